#!/bin/sh
# Issue 11: review paperwork is one meeting's, everything a family reads is in
# their language (page furniture too), and a plan shows its status and who
# issued it. Checks the text the PDFs print (pdftotext).
B=${1:-build}
. "$(dirname "$0")/lib.sh"
S=$ROOT/samples
has() { grep -qF -- "$2" "$1" && ok || bad "$3: no \"$2\""; }
hasnt() { grep -qF -- "$2" "$1" && bad "$3: unexpected \"$2\"" || ok; }
txt() { pdftotext -layout "$1" "$2" 2>/dev/null; }
# variants of the samples live in a scratch folder with the samples' photos
V=$T/v; mkdir -p "$V"; cp -r "$S/photos" "$V/"

# a case with no annual review: one plain error at its <meetings>, no PDF (rumi-begum.xml)
for tpl in review-invitation review-record; do
  expect_exit "rumi $tpl" 1 "$BIN" render "$S/rumi-begum.xml" -t $tpl -o "$T/rumi.pdf"
  [ "$(grep -c ': error: ' "$T/err.txt")" = 1 ] && ok || bad "rumi $tpl: want one error: $(cat "$T/err.txt")"
  grep -q "rumi-begum.xml:104:3: error: <meetings>: a review [a-z]* needs an annual-review meeting: add <meeting type=\"annual-review\">" "$T/err.txt" \
    && ok || bad "rumi $tpl: $(grep error "$T/err.txt")"
  [ ! -e "$T/rumi.pdf" ] && ok || bad "rumi $tpl: a PDF was written"
done
expect_exit "rumi planning meeting named" 1 "$BIN" render "$S/rumi-begum.xml" -t review-invitation --meeting sup2026 -o "$T/r.pdf"
grep -q 'meeting "sup2026" is a planning meeting' "$T/err.txt" && ok || bad "--meeting of another type: $(cat "$T/err.txt")"
expect_exit "unknown meeting id" 1 "$BIN" render "$S/ava-thompson.xml" -t review-record --meeting ar1999 -o "$T/r.pdf"
grep -q 'no meeting with id "ar1999" in this case (its meetings: ar2026)' "$T/err.txt" && ok || bad "unknown id: $(cat "$T/err.txt")"

# the invitation: the Code of Practice's parts, from the case
expect_exit "ava invitation" 0 "$BIN" render "$S/ava-thompson.xml" -t review-invitation -o "$T/inv.pdf"
txt "$T/inv.pdf" "$T/inv.txt"
for want in "Date of this letter: 29 October 2026" "Dear Claire," "10 December 2026, 15:30–16:30" \
            "Elmfield Primary School, the family room" "By video call:" "Who is invited" "Ruth Adeyemi" \
            "Welcome and introductions" "bring an advocate, a friend or a relative" "If you would like an interpreter" \
            "19 November 2026" "0113 496 0000" "senco@elmfield.example.sch.uk" \
            "At least two weeks before the meeting" "Within four weeks after the meeting, the local authority"; do
  has "$T/inv.txt" "$want" "invitation"
done
hasnt "$T/inv.txt" "Dear Mrs Thompson" "invitation (no parental responsibility)"

# past meetings are never reprinted: with last year's review in the case, only this year's is printed
sed 's|<meeting id="ar2026" type="annual-review">|<meeting id="ar2025" type="annual-review"><date>2025-11-20</date><time>10:00:00</time><place>Old room</place><attendees><person role="SENCo"><name>Mrs Joanne Patel</name></person></attendees></meeting>\n    &|' \
  "$S/ava-thompson.xml" > "$V/review-two.xml"
expect_exit "two reviews: invitation" 0 "$BIN" render "$V/review-two.xml" -t review-invitation -o "$T/two.pdf"
txt "$T/two.pdf" "$T/two.txt"
has "$T/two.txt" "10 December 2026" "two reviews"; hasnt "$T/two.txt" "Old room" "two reviews"
expect_exit "two reviews: --meeting" 0 "$BIN" render "$V/review-two.xml" -t review-record --meeting ar2025 -o "$T/two.pdf"
txt "$T/two.pdf" "$T/two.txt"
has "$T/two.txt" "Old room" "--meeting ar2025"; hasnt "$T/two.txt" "the family room" "--meeting ar2025"
expect_exit "all reviews past" 1 env SOURCE_DATE_EPOCH=1800000000 "$BIN" render "$V/review-two.xml" -t review-invitation -o "$T/two.pdf"
grep -q 'has passed and is not printed again' "$T/err.txt" && ok || bad "all past: $(cat "$T/err.txt")"
rm -f "$V/review-two.xml"

# optional parts absent: still a sensible document
sed -e '/<ways-to-take-part>/,/<\/ways-to-take-part>/d' -e '/<agenda>/,/<\/agenda>/d' -e '/<reply-by>/d' \
    -e '/<recommendation /,/<\/recommendation>/d' -e '/<group-size>/d' "$S/ava-thompson.xml" > "$V/review-bare.xml"
expect_exit "bare invitation" 0 "$BIN" render "$V/review-bare.xml" -t review-invitation -o "$T/bare.pdf"
txt "$T/bare.pdf" "$T/bare.txt"
has "$T/bare.txt" "We will agree the agenda together" "bare invitation"
has "$T/bare.txt" "Please come to the meeting at school" "bare invitation"
has "$T/bare.txt" "as soon as you can" "bare invitation"
expect_exit "bare record" 0 "$BIN" render "$V/review-bare.xml" -t review-record -o "$T/bare.pdf"
txt "$T/bare.pdf" "$T/bare.txt"
has "$T/bare.txt" "No recommendation has been recorded yet." "bare record"
expect_exit "ehcp without group sizes" 0 "$BIN" render "$V/review-bare.xml" -t ehcp -o "$T/bare.pdf"
txt "$T/bare.pdf" "$T/bare.txt"
has "$T/bare.txt" "Not recorded" "ehcp without group sizes"
rm -f "$V/review-bare.xml"

# the record: who came, who sent advice, the recommendation
expect_exit "ava record" 0 "$BIN" render "$S/ava-thompson.xml" -t review-record -o "$T/rec.pdf"
txt "$T/rec.pdf" "$T/rec.txt"
sed -n '/Who attended/,/Sent apologies or advice/p' "$T/rec.txt" > "$T/came.txt"
has "$T/came.txt" "Ruth Adeyemi" "who attended"; hasnt "$T/came.txt" "Hannah Lewis" "who attended (attended=false)"
has "$T/rec.txt" "Hannah Lewis (Speech and language therapist): could not come and sent" "apologies"
has "$T/rec.txt" "written advice" "apologies"
for want in "Recommendation to the local authority" "Change the plan (amend the plan)" "Add the lunchtime library club" \
            "Mrs Joanne Patel"; do has "$T/rec.txt" "$want" "record"; done
# the agreed actions are a grid (issue 15): a date may wrap in its narrow "By
# when" cell, which is drawn whole, so read it in content order, lines joined
pdftotext -raw "$T/rec.pdf" - 2>/dev/null | tr '\n' ' ' > "$T/rec-raw.txt"
has "$T/rec-raw.txt" "Mrs Joanne Patel 8 January 2027" "record: the action's owner and date"

# a plan's status on every page and in the metadata; a final plan names who issued it
expect_exit "ava ehcp" 0 "$BIN" render "$S/ava-thompson.xml" -t ehcp -o "$T/ehcp.pdf"
pages=$(pdfinfo "$T/ehcp.pdf" | awk '/^Pages:/ {print $2}')
[ "$(pdftotext "$T/ehcp.pdf" - | grep -c 'EHC plan · Final plan')" = "$pages" ] && ok || bad "ehcp: status not on all $pages pages"
pdfinfo "$T/ehcp.pdf" | grep -q '^Title: .*(Final plan)' && ok || bad "ehcp: status not in the title: $(pdfinfo "$T/ehcp.pdf" | grep Title)"
txt "$T/ehcp.pdf" "$T/ehcp.txt"
tail -8 "$T/ehcp.txt" | grep -q "Issued by: Mark Ellison, Head of SEND Assessment" && ok || bad "ehcp: no issuing officer at the end"
has "$T/ehcp.txt" "Date issued: 26 January 2026" "ehcp"
sed 's|<plan status="final">|<plan status="proposed-amendments">|' "$S/ava-thompson.xml" > "$V/review-pa.xml"
expect_exit "proposed amendments" 0 "$BIN" render "$V/review-pa.xml" -t ehcp -o "$T/pa.pdf"
pages=$(pdfinfo "$T/pa.pdf" | awk '/^Pages:/ {print $2}')
[ "$(pdftotext "$T/pa.pdf" - | grep -c 'EHC plan · Proposed amendments$')" = "$pages" ] && ok || bad "proposed amendments: status not on every page"
pdftotext "$T/pa.pdf" - | grep -q "within 15 days" && ok || bad "proposed amendments: no 15-day note"
rm -f "$V/review-pa.xml"

# the family's language: roles from the glossary, page furniture per side, one warning with a count
expect_exit "bilal invitation ur" 0 "$BIN" render "$S/bilal-hussain.xml" -t review-invitation --lang ur -o "$T/ur.pdf"
pdftotext "$T/ur.pdf" - | grep -q "کلاس ٹیچر" && ok || bad "ur invitation: role not translated"
grep -q 'render.untranslated' "$T/err.txt" && bad "ur invitation: all of it has Urdu, yet: $(grep untranslated "$T/err.txt")" || ok
# a meeting note written only in English: counted once by render, listed by lint
cp -r "$S/photos" "$V/" 2>/dev/null
sed 's|      <record-status>draft</record-status>|      <parent-views><view by="mum">We are pleased with the radio aid.</view></parent-views>\n      <actions><action><what>Send the word list home each week.</what><owner>Miss Sana Khan</owner><due>2027-01-08</due></action></actions>\n&|' \
  "$S/bilal-hussain.xml" > "$V/bilal-notes.xml"
expect_exit "bilal record ur" 0 "$BIN" render "$V/bilal-notes.xml" -t review-record --lang ur -o "$T/ur.pdf"
[ "$(grep -c 'render.untranslated' "$T/err.txt")" = 1 ] && ok || bad "ur record: want one render.untranslated warning"
grep -q "2 pieces of case text have no ur translation.*sendoc lint CASE --template review-record --lang ur" "$T/err.txt" \
  && ok || bad "ur record: $(grep untranslated "$T/err.txt")"
expect_exit "bilal record lint" 1 "$BIN" lint "$V/bilal-notes.xml" --template review-record --lang ur
[ "$(grep -c 'lint.untranslated\]\|lint.translation-missing\]' "$T/err.txt")" = 2 ] && ok || bad "lint lists $(grep -c 'translat' "$T/err.txt") of the 2"
expect_exit "kacper postcard ro" 0 "$BIN" render "$S/kacper-nowak.xml" -t postcard-try --lang ro -o "$T/ro.pdf"
pdftotext -f 1 -l 1 "$T/ro.pdf" - | grep -q "Pagina 1 din 2" && ok || bad "postcard front: page number not in Romanian"
pdftotext -f 2 -l 2 "$T/ro.pdf" - | grep -q "Page 2 of 2" && ok || bad "postcard back: page number not in English: $(pdftotext -f 2 -l 2 "$T/ro.pdf" - | grep -i pag)"
expect_exit "lint roles" 1 "$BIN" lint "$ROOT/tests/lint/roles-ur.xml"
grep -q "roles-ur.xml:48:9: warning: <role>: the role \"SENCo\" has no translation into ur.*\[lint.untranslated\]" "$T/err.txt" \
  && ok || bad "lint roles: $(grep untranslated "$T/err.txt" | head -2)"
echo "review: $pass passed, $fail failed"
[ "$fail" = 0 ]
