/* langrun: each stretch of a paragraph in the language it is written in
 * (issue 15: an English name, a school name or "Year 5" inside an Urdu or
 * Arabic paragraph is a Span with its own /Lang). Runs at the end of the
 * locale stage, on resolved inlines (SD_INL_TEXT and SD_INL_BREAK only):
 *  1. A catalogue message that carries case values: ICU gave each value back
 *     between markers (SD_LANGRUN_OPEN + k ... SD_LANGRUN_CLOSE + k, k its
 *     argument); the value gets arg_langs[k], the xml:lang of the element it
 *     came from, and the markers go.
 *  2. A run of Latin letters (with the digits, spaces and punctuation between
 *     them) in text whose language is not written in Latin script, with no
 *     better source, is in latin_lang (the case's own xml:lang, en-GB by
 *     default) and marked lang_by_script. Digits and punctuation around it,
 *     dates and numbers formatted in the text's language, stay in it. */
#ifndef SD_LANGRUN_H
#define SD_LANGRUN_H
#include "template.h"

#define SD_LANGRUN_OPEN 0xFDD0u  /* + argument index: a case value starts (a Unicode noncharacter) */
#define SD_LANGRUN_CLOSE 0xFDE0u /* + argument index: it ends */
#define SD_LANGRUN_MAX_ARGS 16   /* arguments a message can mark */

/* Splits the inlines of one paragraph (heading, cell, title ...) where the
 * language changes, as above. ctx_lang is the language of inlines with none
 * (the block's, else the document's). When something is split, *inl is replaced and
 * the old array freed (so it must come from malloc); else it is left as it is. Pieces of one
 * inline keep its field, position and weight. SD_OK or SD_E_NOMEM (then the
 * inlines are as they were, markers removed). */
sd_status sd_langrun_split(sd_inline **inl, size_t *n, const char *ctx_lang, const char *latin_lang);

/* True when tag names a language whose usual script is not Latin (ar, ur, bn). */
bool sd_langrun_non_latin(const char *tag);
#endif
