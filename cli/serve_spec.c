/* sendoc serve: the case schema (engine/schema/case.xsd, version 1) as forms:
 * every element in schema order with a label in plain words, its kind of
 * input, whether it is optional, repeated or translatable, and its
 * attributes. The XSD stays the judge: saving validates through the engine. */
#include "serve.h"
/* a table: fields not named are zero */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <string.h>

#define END { 0 }
#define TR SV_TR
#define OPT SV_OPT
#define MANY SV_MANY
#define NEEDS "SPLD|MLD|SLD|PMLD|SEMH|SLCN|HI|VI|MSI|PD|ASD|DS|OTH|NSA"

static const sv_spec ITEM_LIST[] = { { "item", "Item", K_PROSE, MANY | TR }, END };

static const sv_spec PROVISION_KIDS[] = {
  { "what", "What will be provided", K_PROSE, TR },
  { "frequency", "How often", K_TEXT, TR },
  { "duration", "For how long each time", K_TEXT, TR },
  { "group-size", "Group size", K_TEXT, OPT | TR },
  { "delivered-by", "Delivered by", K_TEXT, TR },
  END
};

static const sv_spec QUOTES[] = {
  { "quote", "What the child said", K_PROSE, MANY | TR | SV_VERBATIM,
    .attrs = (const sv_attr[]){ { "recorded-by", "Written down by", K_TEXT }, { "date", "Date said", K_DATE }, END },
    .hint = "Kept exactly as the child said it: never correct or reword it." },
  END
};
static const sv_spec VIEWS[] = {
  { "view", "A family member's view", K_PROSE, MANY | TR,
    .attrs = (const sv_attr[]){ { "by", "Whose view", K_REF, "family/contact", true }, END } },
  END
};

static const sv_spec MEETING_KIDS[] = {
  { "date", "Date", K_DATE },
  { "time", "Start time", K_TIME },
  { "end-time", "End time", K_TIME, OPT },
  { "place", "Place", K_TEXT, TR },
  { "invitation-date", "Invitation sent on", K_DATE, OPT, .hint = "Give at least two weeks' notice." },
  { "ways-to-take-part", "Ways to take part", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "way", "Way to take part", K_PROSE, MANY | TR,
                                 .attrs = (const sv_attr[]){ { "kind", "Kind", K_ENUM, "in-person|phone|video|written" }, END } },
                               END } },
  { "attendees", "People at the meeting", K_GROUP, 0,
    .kids = (const sv_spec[]){ { "person", "Person", K_GROUP, MANY,
                                 .kids = (const sv_spec[]){ { "name", "Name", K_TEXT }, END },
                                 .attrs = (const sv_attr[]){ { "role", "Role", K_TEXT, NULL, true },
                                                             { "attended", "Attended", K_BOOL },
                                                             { "contact", "Family contact", K_REF, "family/contact" }, END } },
                               END } },
  { "agenda", "Agenda", K_GROUP, OPT, .kids = ITEM_LIST },
  { "interpreter-arranged", "Interpreter arranged", K_BOOL, OPT,
    .attrs = (const sv_attr[]){ { "language", "Interpreter's language", K_LANG }, END } },
  { "child-views-gathered-by", "The child's views were gathered by", K_TEXT, OPT | TR },
  { "child-views", "The child's views at the meeting", K_GROUP, OPT, .kids = QUOTES },
  { "parent-views", "The family's views at the meeting", K_GROUP, OPT, .kids = VIEWS },
  { "progress", "Progress towards outcomes", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "entry", "Progress", K_PROSE, MANY | TR,
                                 .attrs = (const sv_attr[]){ { "outcome", "Outcome", K_REF, "outcomes/outcome", true }, END } },
                               END } },
  { "actions", "Agreed actions", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "action", "Action", K_GROUP, MANY,
                                 .kids = (const sv_spec[]){ { "what", "What will be done", K_PROSE, TR },
                                                            { "owner", "Who will do it", K_TEXT, OPT },
                                                            { "due", "By when", K_DATE, OPT }, END } },
                               END } },
  { "record-status", "Record of the meeting", K_ENUM, OPT, "draft|agreed" },
  { "next-review-date", "Next review date", K_DATE, OPT },
  END
};

static const sv_spec CASE_KIDS[] = {
  { "child", "The child", K_GROUP, 0,
    .kids = (const sv_spec[]){
      { "legal-name", "Legal name", K_TEXT, 0, .hint = "Only on the EHCP's front page." },
      { "preferred-name", "Name the child likes to be called", K_TEXT, TR },
      { "date-of-birth", "Date of birth", K_DATE },
      { "pronouns", "Pronouns", K_TEXT, OPT | TR },
      { "year-group", "Year group", K_ENUM, OPT, "R|1|2|3|4|5|6|7|8|9|10|11|12|13|14" },
      { "photo", "Photo", K_GROUP, OPT,
        .kids = (const sv_spec[]){ { "alt", "Describe the photo for someone who cannot see it", K_PROSE, TR }, END },
        .attrs = (const sv_attr[]){ { "src", "Photo file, inside the workspace folder", K_TEXT, NULL, true,
                                      "For example photos/ava.png" }, END } },
      END } },
  { "family", "The family", K_GROUP, 0,
    .kids = (const sv_spec[]){
      { "home-language", "Home language", K_LANG, 0, .hint = "A language tag: ur for Urdu, pl for Polish, bn for Bengali." },
      { "interpreter-needed", "The family needs an interpreter", K_BOOL },
      { "contact", "Family contact", K_GROUP, MANY,
        .kids = (const sv_spec[]){
          { "name", "Name", K_TEXT },
          { "relationship", "Relationship to the child", K_TEXT, TR },
          { "address-as", "How they like to be addressed", K_TEXT, TR },
          { "parental-responsibility", "Has parental responsibility", K_BOOL, OPT },
          { "email", "Email", K_TEXT, OPT },
          { "phone", "Phone", K_TEXT, OPT },
          END },
        .attrs = (const sv_attr[]){ { "id", "Short id", K_ID, NULL, true }, END } },
      END } },
  { "school", "School", K_GROUP, 0,
    .kids = (const sv_spec[]){
      { "name", "School name", K_TEXT },
      { "type", "Type of school", K_TEXT, OPT | TR },
      { "senco", "SENCo", K_GROUP, 0,
        .kids = (const sv_spec[]){ { "name", "SENCo's name", K_TEXT }, { "email", "SENCo's email", K_TEXT, OPT },
                                   { "phone", "SENCo's phone", K_TEXT, OPT }, END } },
      END } },
  { "local-authority", "Local authority", K_TEXT, OPT },
  { "sen-status", "SEN status (school census)", K_ENUM, 0, "N|K|E",
    .hint = "N: no SEN, K: SEN support, E: EHC plan." },
  { "needs", "Needs", K_GROUP, 0,
    .kids = (const sv_spec[]){ { "need", "Need", K_PROSE, MANY | TR,
                                 .attrs = (const sv_attr[]){ { "id", "Short id", K_ID, NULL, true },
                                                             { "type", "Type of need", K_ENUM, NEEDS, true },
                                                             { "primary", "Primary need", K_BOOL }, END } },
                               END } },
  { "strengths", "What people like and admire about me", K_GROUP, 0, .kids = ITEM_LIST },
  { "important-to-me", "What is important to me", K_GROUP, 0, .kids = ITEM_LIST },
  { "how-to-support", "How best to support me", K_GROUP, 0, .kids = ITEM_LIST },
  { "child-views", "The child's own words", K_GROUP, 0, .kids = QUOTES },
  { "aspirations", "Aspirations", K_GROUP, OPT, .kids = ITEM_LIST },
  { "parent-views", "The family's views", K_GROUP, OPT, .kids = VIEWS },
  { "health-needs", "Health needs (EHCP section C)", K_GROUP, OPT, .kids = ITEM_LIST },
  { "social-care-needs", "Social care needs (EHCP section D)", K_GROUP, OPT, .kids = ITEM_LIST },
  { "outcomes", "Outcomes (EHCP section E)", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "outcome", "Outcome", K_PROSE, MANY | TR,
                                 .attrs = (const sv_attr[]){
                                   { "id", "Short id", K_ID, NULL, true },
                                   { "need", "For the need", K_REF, "needs/need", true },
                                   { "timeframe", "By when, in words", K_TEXT, NULL, true },
                                   { "by-date", "By date", K_DATE },
                                   { "pfa", "Preparing for adulthood", K_ENUM, "employment|independent-living|community|health" },
                                   END } },
                               END } },
  { "provision", "Provision (EHCP section F)", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "item", "Provision", K_GROUP, MANY, .kids = PROVISION_KIDS,
                                 .attrs = (const sv_attr[]){ { "need", "For the need", K_REF, "needs/need", true },
                                                             { "outcome", "For the outcome", K_REF, "outcomes/outcome", true },
                                                             END } },
                               END } },
  { "health-provision", "Health provision (EHCP section G)", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "item", "Health provision", K_GROUP, MANY,
                                 .kids = (const sv_spec[]){ { "what", "What will be provided", K_PROSE, TR },
                                                            { "frequency", "How often", K_TEXT, OPT | TR },
                                                            { "duration", "For how long", K_TEXT, OPT | TR },
                                                            { "delivered-by", "Delivered by", K_TEXT, OPT | TR }, END } },
                               END } },
  { "social-care-provision", "Social care provision (EHCP section H)", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "item", "Social care provision", K_GROUP, MANY,
                                 .kids = (const sv_spec[]){ { "what", "What will be provided", K_PROSE, TR },
                                                            { "frequency", "How often", K_TEXT, OPT | TR },
                                                            { "delivered-by", "Delivered by", K_TEXT, OPT | TR }, END },
                                 .attrs = (const sv_attr[]){ { "section", "Section", K_ENUM, "H1|H2", true }, END } },
                               END } },
  { "placement", "Placement (EHCP section I)", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "school-name", "School or setting", K_TEXT }, { "school-type", "Type", K_TEXT, TR }, END } },
  { "personal-budget", "Personal budget (EHCP section J)", K_PROSE, OPT | TR },
  { "advice", "Advice and information (EHCP section K)", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "appendix", "Appendix", K_GROUP, MANY,
                                 .kids = (const sv_spec[]){ { "title", "Title", K_TEXT, TR }, { "author", "Author", K_TEXT },
                                                            { "role", "Author's role", K_TEXT, TR }, { "date", "Date", K_DATE }, END } },
                               END } },
  { "plan", "The plan's dates", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "plan-date", "Plan date", K_DATE }, { "issue-date", "Issue date", K_DATE, OPT },
                               { "review-date", "Review date", K_DATE }, END },
    .attrs = (const sv_attr[]){ { "status", "Status", K_ENUM, "draft|final", true }, END } },
  { "meetings", "Meetings", K_GROUP, OPT,
    .kids = (const sv_spec[]){ { "meeting", "Meeting", K_GROUP, MANY, .kids = MEETING_KIDS,
                                 .attrs = (const sv_attr[]){ { "id", "Short id", K_ID, NULL, true },
                                                             { "type", "Type", K_ENUM, "annual-review|planning|other", true },
                                                             END } },
                               END } },
  { "home-school", "Home-school strategies", K_GROUP, OPT,
    .kids = (const sv_spec[]){
      { "strategy", "Something to try at home", K_GROUP, MANY,
        .kids = (const sv_spec[]){ { "title", "Title", K_TEXT, TR }, { "what", "What to do", K_PROSE, TR },
                                   { "why", "Why it helps", K_PROSE, TR }, { "contact", "Who to ask", K_TEXT, TR }, END },
        .attrs = (const sv_attr[]){ { "id", "Short id", K_ID, NULL, true }, END } },
      { "tried", "Something we tried at home", K_GROUP, MANY | OPT,
        .kids = (const sv_spec[]){ { "what", "What we did", K_PROSE, TR }, { "how-it-went", "How it went", K_PROSE, TR },
                                   { "tell-school", "What we want to tell school", K_PROSE, OPT | TR }, END },
        .attrs = (const sv_attr[]){ { "strategy", "Strategy", K_REF, "home-school/strategy", true },
                                    { "date", "Date", K_DATE }, END } },
      END } },
  END
};

const sv_spec SV_CASE = { "case", "Case", K_GROUP, 0, .kids = CASE_KIDS };

const sv_section SV_SECTIONS[] = {
  { "child", "Child", { "child", NULL } },
  { "family", "Family", { "family", NULL } },
  { "school", "School", { "school", "local-authority", "sen-status", NULL } },
  { "needs", "Needs", { "needs", NULL } },
  { "profile", "One-page profile", { "strengths", "important-to-me", "how-to-support", "aspirations", NULL } },
  { "views", "Views", { "child-views", "parent-views", NULL } },
  { "outcomes", "Outcomes and provision", { "outcomes", "provision", NULL } },
  { "ehcp", "More of the EHCP", { "health-needs", "social-care-needs", "health-provision", "social-care-provision",
                                  "placement", "personal-budget", "advice", "plan", NULL } },
  { "meetings", "Meetings", { "meetings", NULL } },
  { "home-school", "Home and school", { "home-school", NULL } },
};
const size_t SV_N_SECTIONS = sizeof SV_SECTIONS / sizeof *SV_SECTIONS;

const sv_spec *sv_spec_kid(const sv_spec *p, const char *name)
{
  for (const sv_spec *k = p ? p->kids : NULL; k && k->name; k++)
    if (strcmp(k->name, name) == 0) return k;
  return NULL;
}

const sv_section *sv_section_of(const char *name)
{
  for (size_t i = 0; i < SV_N_SECTIONS; i++)
    for (size_t k = 0; SV_SECTIONS[i].names[k]; k++)
      if (strcmp(SV_SECTIONS[i].names[k], name) == 0) return &SV_SECTIONS[i];
  return NULL;
}
