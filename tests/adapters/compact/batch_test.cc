// NDJSON and CSV batches: all-or-nothing, errors placed by line or row.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "adapters/compact/compact.h"
#include "test_events.h"
#include "test_records.h"

namespace isagw::adapters::compact {
namespace {

using testing::Events;

using testing::Apply;
using testing::FormatsExample;
using testing::OnlyError;

// One valid record per line, the second a FOUND record.
std::string Line1() { return FormatsExample().dump(); }
std::string Line2() {
  return Apply(FormatsExample(), {{"RecordType", R"("FOUND")"},
                                  {"RecordVersion", "2"},
                                  {"FoundDateTime", R"("23/11/2026 08:10")"}});
}
std::string Line(const std::vector<testing::Change>& changes) {
  return Apply(FormatsExample(), changes);
}

const std::string kHeader =
    "RecordType,ForceCode,OccurrenceRef,RecordVersion,ReportedDateTime,LastSeenDateTime,"
    "MisperForename,NHSNumber,Circumstances,PreviousEpisodes\r\n";
const std::string kRow =
    "MISSING_REPORT,STAFFS,ST/21/2026/004512,1,22/11/2026 21:40,22/11/2026 19:05,Alex,"
    "9434765919,\"Left after an argument, \"\"again\"\"\",2\r\n";
const std::string kRow2 = "CLOSED,STAFFS,ST/21/2026/004513,3,,,,,,\r\n";

enum class Kind { kNdjson, kCsv };

struct InvalidBatch {
  const char* name;
  Kind kind;
  std::string text;
  std::string pointer;
  std::string code;
  std::size_t max_record_bytes = 256 * 1024;
  BatchLimits batch = {};
};

void PrintTo(const InvalidBatch& c, std::ostream* os) { *os << c.name; }

BatchLimits SmallBatch() {
  BatchLimits limits;
  limits.max_bytes = 64;
  return limits;
}

BatchLimits TwoRecords() {
  BatchLimits limits;
  limits.max_records = 2;
  return limits;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::vector<InvalidBatch>& InvalidBatches() {
  static const std::vector<InvalidBatch> cases = {
      // NDJSON
      {"NdjsonLineThatIsNotJson", Kind::kNdjson, Line1() + "\nnot json\n", "/2", "syntax"},
      {"NdjsonDuplicateKey", Kind::kNdjson,
       Line1() + "\n" + Line({{"Gender", R"("M","Gender":"F")"}}) + "\n", "/2/Gender",
       "duplicate_key"},
      {"NdjsonInvalidUtf8", Kind::kNdjson,
       Line1() + "\n" + Line2() + "\n" + Line({{"MisperSurname", "\"\xED\xA0\x80\""}}) + "\n", "/3",
       "invalid_utf8"},
      {"NdjsonNumberAsString", Kind::kNdjson, Line1() + "\n" + Line({{"RecordVersion", R"("2")"}}),
       "/2/RecordVersion", "type"},
      {"NdjsonUnknownField", Kind::kNdjson, Line({{"Colour", "1"}}) + "\n" + Line2(), "/1/Colour",
       "unknown_field"},
      {"NdjsonIntelligence", Kind::kNdjson,
       Line1() + "\n" + Line({{"RecordType", R"("INTELLIGENCE")"}}), "/2/RecordType", "enum"},
      {"NdjsonBadNhsNumberOnLineThree", Kind::kNdjson,
       Line1() + "\n" + Line2() + "\n" + Line({{"NHSNumber", R"("1234567890")"}}) + "\n",
       "/3/NHSNumber", "nhs_checksum"},
      {"NdjsonArrayLine", Kind::kNdjson, "[1,2]\n", "/1", "type"},
      {"NdjsonTooDeep", Kind::kNdjson,
       Line({{"Circumstances", std::string(40, '[') + std::string(40, ']')}}),
       "/1/Circumstances/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0",
       "too_deep"},
      {"NdjsonBlankLineInside", Kind::kNdjson, Line1() + "\n\n" + Line2() + "\n", "/2", "empty"},
      {"NdjsonWhitespaceLineInside", Kind::kNdjson, Line1() + "\r\n \r\n" + Line2(), "/2", "empty"},
      {"NdjsonLineOverTheRecordLimit", Kind::kNdjson, Line1() + "\n" + Line2() + "\n", "/2",
       "too_large", Line1().size()},
      {"NdjsonBatchOverTheByteLimit", Kind::kNdjson, Line1() + "\n", "", "too_large", 256 * 1024,
       SmallBatch()},
      {"NdjsonTooManyRecords", Kind::kNdjson, Repeat(Line1() + "\n", 3), "", "too_large",
       256 * 1024, TwoRecords()},
      {"NdjsonEmpty", Kind::kNdjson, "", "", "empty"},
      {"NdjsonOnlyBlankLines", Kind::kNdjson, "\n\r\n\n", "", "empty"},
      {"NdjsonSpringGap", Kind::kNdjson,
       Line1() + "\n" + Line({{"LastSeenDateTime", R"("28/03/2027 01:15")"}}),
       "/2/LastSeenDateTime", "nonexistent_local_time"},
      // CSV
      {"CsvUnknownColumn", Kind::kCsv, "RecordType,Colour\r\nFOUND,red\r\n", "/1/Colour",
       "unknown_field"},
      {"CsvDuplicateColumn", Kind::kCsv, "RecordType,Gender,Gender\r\nFOUND,M,M\r\n", "/1/Gender",
       "duplicate_key"},
      {"CsvUnnamedColumn", Kind::kCsv, "RecordType,,Gender\r\nFOUND,,M\r\n", "/1", "empty"},
      {"CsvInvalidUtf8ColumnName", Kind::kCsv, "RecordType,Gend\xC3\r\nFOUND,M\r\n", "/1",
       "invalid_utf8"},
      {"CsvQuoteInsideUnquotedCell", Kind::kCsv, kHeader + kRow + "CLOSED,ST\"AFFS,,,,,,,,\r\n",
       "/3", "syntax"},
      {"CsvUnterminatedQuote", Kind::kCsv, kHeader + "CLOSED,\"STAFFS,,,,,,,,\r\n", "/2", "syntax"},
      {"CsvTextAfterClosingQuote", Kind::kCsv, kHeader + "CLOSED,\"STAFFS\"X,,,,,,,,\r\n", "/2",
       "syntax"},
      {"CsvBareCarriageReturn", Kind::kCsv, kHeader + "CLOSED,STAFFS\r,,,,,,,,\r\n", "/2",
       "syntax"},
      {"CsvTooFewCells", Kind::kCsv, kHeader + "CLOSED,STAFFS,ST/21/2026/004513,3\r\n", "/2",
       "syntax"},
      {"CsvTooManyCells", Kind::kCsv, kHeader + "CLOSED,STAFFS,ST/21/2026/004513,3,,,,,,,\r\n",
       "/2", "syntax"},
      {"CsvRecordVersionInWords", Kind::kCsv,
       kHeader + "CLOSED,STAFFS,ST/21/2026/004513,one,,,,,,\r\n", "/2/RecordVersion", "type"},
      {"CsvRecordVersionZero", Kind::kCsv, kHeader + "CLOSED,STAFFS,ST/21/2026/004513,0,,,,,,\r\n",
       "/2/RecordVersion", "range"},
      {"CsvFractionalRecordVersion", Kind::kCsv,
       kHeader + "CLOSED,STAFFS,ST/21/2026/004513,1.0,,,,,,\r\n", "/2/RecordVersion", "type"},
      {"CsvNegativePreviousEpisodes", Kind::kCsv,
       kHeader + "CLOSED,STAFFS,ST/21/2026/004513,3,,,,,,-2\r\n", "/2/PreviousEpisodes", "range"},
      {"CsvSignedPreviousEpisodes", Kind::kCsv,
       kHeader + "CLOSED,STAFFS,ST/21/2026/004513,3,,,,,,+2\r\n", "/2/PreviousEpisodes", "type"},
      {"CsvBadNhsNumberOnRowThree", Kind::kCsv,
       kHeader + kRow + "CLOSED,STAFFS,ST/21/2026/004513,3,,,,9434765918,,\r\n", "/3/NHSNumber",
       "nhs_checksum"},
      {"CsvInvalidUtf8Cell", Kind::kCsv,
       kHeader + "CLOSED,STAFFS,ST/21/2026/004513,3,,,Al\xF0\x28x,,,\r\n", "/2/MisperForename",
       "invalid_utf8"},
      {"CsvInvalidUtf8InANumberCell", Kind::kCsv,
       kHeader + "CLOSED,STAFFS,ST/21/2026/004513,\xFF,,,,,,\r\n", "/2/RecordVersion",
       "invalid_utf8"},
      {"CsvDateTimeWithSeconds", Kind::kCsv,
       kHeader +
           "MISSING_REPORT,STAFFS,ST/21/2026/004513,1,22/11/2026 21:40:00,22/11/2026 19:05,,,,\r\n",
       "/2/ReportedDateTime", "datetime"},
      {"CsvMissingRequiredColumn", Kind::kCsv,
       "RecordType,ForceCode,OccurrenceRef\r\nCLOSED,STAFFS,ST/21/2026/004513\r\n",
       "/2/RecordVersion", "required"},
      {"CsvIntelligenceRow", Kind::kCsv,
       kHeader + "INTELLIGENCE,STAFFS,ST/21/2026/004513,3,,,,,,\r\n", "/2/RecordType", "enum"},
      {"CsvBlankLineInside", Kind::kCsv, kHeader + kRow + "\r\n" + kRow2, "/3", "empty"},
      {"CsvHeaderOnly", Kind::kCsv, kHeader, "", "empty"},
      {"CsvEmpty", Kind::kCsv, "", "", "empty"},
      {"CsvBlankHeader", Kind::kCsv, "\r\n" + kRow, "", "empty"},
      {"CsvTooManyRecords", Kind::kCsv, kHeader + kRow2 + kRow2 + kRow2, "", "too_large",
       256 * 1024, TwoRecords()},
      {"CsvBatchOverTheByteLimit", Kind::kCsv, kHeader + kRow2, "", "too_large", 256 * 1024,
       SmallBatch()},
      {"CsvRowOverTheRecordLimit", Kind::kCsv,
       kHeader + kRow2 + "CLOSED,STAFFS,ST/21/2026/004513,3,,,,," + std::string(200, 'c') + ",\r\n",
       "/3", "too_large", kHeader.size()},
  };
  return cases;
}

class CompactInvalidBatch : public ::testing::TestWithParam<InvalidBatch> {};

TEST_P(CompactInvalidBatch, IsRefusedWithOneErrorPlacedByLine) {
  const InvalidBatch& c = GetParam();
  DecodeOptions options;
  options.limits.max_bytes = c.max_record_bytes;
  const auto result = c.kind == Kind::kNdjson ? DecodeNdjson(c.text, options, c.batch)
                                              : DecodeCsv(c.text, options, c.batch);
  const FieldError e = OnlyError(result);
  EXPECT_EQ(e.pointer, c.pointer);
  EXPECT_EQ(e.code, c.code);
}

INSTANTIATE_TEST_SUITE_P(Table, CompactInvalidBatch, ::testing::ValuesIn(InvalidBatches()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(CompactNdjson, DecodesEveryLineInOrder) {
  const auto events = Events(DecodeNdjson(Line1() + "\n" + Line2() + "\n", {}));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, model::EventKind::kMissingReported);
  EXPECT_EQ(events[1].kind, model::EventKind::kFound);
  EXPECT_EQ(events[1].episode.record_version, 2);
}

TEST(CompactNdjson, AcceptsCrlfNoFinalLineBreakAndTrailingBlankLines) {
  EXPECT_EQ(Events(DecodeNdjson(Line1() + "\r\n" + Line2(), {})).size(), 2u);
  EXPECT_EQ(Events(DecodeNdjson(Line1() + "\n" + Line2() + "\n\n\r\n", {})).size(), 2u);
}

TEST(CompactNdjson, ReturnsTheErrorsOfEveryLine) {
  const std::string text = Line({{"Gender", R"("Q")"}}) + "\n" + Line2() + "\n" +
                           Line({{"NHSNumber", R"("12")"}, {"RecordVersion", "0"}}) + "\n";
  auto result = DecodeNdjson(text, {});
  ASSERT_FALSE(result.ok());
  const FieldErrors expected = {
      {"/1/Gender", "enum", "Gender must be one of M, F, X, U"},
      {"/3/RecordVersion", "range", "RecordVersion must be between 1 and 2147483647"},
      {"/3/NHSNumber", "pattern", "NHSNumber must be 10 digits without spaces"},
  };
  EXPECT_EQ(result.error(), expected) << testing::Describe(result.error());
}

TEST(CompactNdjson, StopsAfterTheErrorCap) {
  BatchLimits limits;
  limits.max_errors = 3;
  const std::string bad = Line({{"Gender", R"("Q")"}}) + "\n";
  auto result = DecodeNdjson(Repeat(bad, 5), {}, limits);
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().size(), 4u);
  EXPECT_EQ(result.error()[2].pointer, "/3/Gender");
  EXPECT_EQ(result.error()[3], (FieldError{"", "too_many_errors",
                                           "more than 3 errors; the rest of the batch was not "
                                           "checked"}));
}

TEST(CompactNdjson, LenientModeListsDroppedFieldsByLine) {
  DecodeOptions lenient;
  lenient.lenient = true;
  auto result = DecodeNdjson(Line1() + "\n" + Line({{"Colour", "1"}}) + "\n", lenient);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE((*result)[0].dropped_fields.empty());
  EXPECT_EQ((*result)[1].dropped_fields, (std::vector<std::string>{"/2/Colour"}));
}

TEST(CompactCsv, DecodesQuotedCellsAndTreatsEmptyCellsAsAbsent) {
  const auto events = Events(DecodeCsv(kHeader + kRow + kRow2, {}));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].episode.circumstances, "Left after an argument, \"again\"");
  EXPECT_EQ(events[0].episode.previous_episodes, 2);
  EXPECT_EQ(events[0].episode.record_version, 1);
  EXPECT_EQ(events[0].child.nhs_number, "9434765919");
  EXPECT_EQ(events[1].kind, model::EventKind::kClosed);
  EXPECT_EQ(events[1].child.forename, std::nullopt);
  EXPECT_EQ(events[1].episode.previous_episodes, std::nullopt);
}

TEST(CompactCsv, MatchesTheSameRecordsSentAsNdjson) {
  const std::string csv =
      "RecordType,ForceCode,OccurrenceRef,RecordVersion,ReportedDateTime,LastSeenDateTime,"
      "MisperForename,MisperSurname,MisperDOB,Gender,MissingFrom,LookedAfter,ResponsibleLA,"
      "RiskGrading,RiskRationale,CCEConcern,CSEConcern,LastSeenLocation,Circumstances,"
      "HomePostcode,OfficerInCase\n"
      "MISSING_REPORT,DERBYS,DB/21/2026/004512,1,22/11/2026 21:40,22/11/2026 19:05,Alex,Example,"
      "04/05/2010,M,RESIDENTIAL,Y,860,HIGH,Previous CCE concerns,Y,N,Derby Bus Station DE1 2AY,"
      "Left the home after an argument,DE22 3AB,PC 1234\n";
  EXPECT_EQ(Events(DecodeCsv(csv, {})), Events(DecodeNdjson(Line1(), {})));
}

TEST(CompactCsv, KeepsLineBreaksInsideQuotedCells) {
  const std::string text =
      kHeader + "CLOSED,STAFFS,ST/21/2026/004513,3,,,,,\"First line\nsecond line\",\n";
  const auto events = Events(DecodeCsv(text, {}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].episode.circumstances, "First line\nsecond line");
}

TEST(CompactCsv, NumbersRowsByRecordNotByPhysicalLine) {
  // Row 2 spans two lines; the bad record is row 3 (physical line 4).
  const std::string text = kHeader + "CLOSED,STAFFS,ST/21/2026/004513,3,,,,,\"a\nb\",\n" +
                           "CLOSED,STAFFS,ST/21/2026/004513,3,,,,12,,\n";
  const FieldError e = OnlyError(DecodeCsv(text, {}));
  EXPECT_EQ(e.pointer, "/3/NHSNumber");
}

TEST(CompactCsv, AcceptsAByteOrderMarkAndTrailingBlankLines) {
  const auto events = Events(DecodeCsv("\xEF\xBB\xBF" + kHeader + kRow2 + "\r\n\r\n", {}));
  EXPECT_EQ(events.size(), 1u);
}

TEST(CompactCsv, ReturnsTheErrorsOfEveryRow) {
  const std::string text = kHeader + "CLOSED,STAFFS,bad,3,,,,,,\r\n" + kRow2 +
                           "FOUND,STAFFS,ST/21/2026/004513,3,,,,,,\r\n";
  auto result = DecodeCsv(text, {});
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().size(), 2u) << testing::Describe(result.error());
  EXPECT_EQ(result.error()[0].pointer, "/2/OccurrenceRef");
  EXPECT_EQ(result.error()[1].pointer, "/4/FoundDateTime");
  EXPECT_EQ(result.error()[1].code, "required");
}

TEST(CompactCsv, LenientModeDropsUnknownColumnsAndListsTheCellsDropped) {
  DecodeOptions lenient;
  lenient.lenient = true;
  const std::string text =
      "RecordType,ForceCode,OccurrenceRef,RecordVersion,Colour\r\n"
      "CLOSED,STAFFS,ST/21/2026/004513,3,red\r\n"
      "CLOSED,STAFFS,ST/21/2026/004514,1,\r\n";
  auto result = DecodeCsv(text, lenient);
  ASSERT_TRUE(result.ok()) << testing::Describe(result.error());
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].dropped_fields, (std::vector<std::string>{"/2/Colour"}));
  EXPECT_TRUE((*result)[1].dropped_fields.empty());
}

TEST(CompactCsv, LenientModeStillRefusesDuplicateColumns) {
  DecodeOptions lenient;
  lenient.lenient = true;
  const FieldError e = OnlyError(DecodeCsv("RecordType,X,X\r\nCLOSED,1,2\r\n", lenient));
  EXPECT_EQ(e.pointer, "/1/X");
  EXPECT_EQ(e.code, "duplicate_key");
}

// Encoding batches.
std::vector<model::Event> SampleEvents() {
  std::vector<model::Event> events = Events(DecodeNdjson(Line1() + "\n" + Line2(), {}));
  model::Event closed = events[1];
  closed.kind = model::EventKind::kClosed;
  closed.episode.circumstances = "Said \"I'm fine\", then left,\nagain";
  events.push_back(closed);
  return events;
}

TEST(CompactBatchEncoder, NdjsonRoundTripsEveryEvent) {
  const auto events = SampleEvents();
  auto text = EncodeNdjson(events);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(std::count(text->begin(), text->end(), '\n'), 3);
  EXPECT_EQ(Events(DecodeNdjson(*text, {})), events);
}

TEST(CompactBatchEncoder, CsvRoundTripsEveryEventWithQuotingAndCrlf) {
  const auto events = SampleEvents();
  auto text = EncodeCsv(events);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("\"Said \"\"I'm fine\"\", then left,\nagain\""), std::string::npos);
  EXPECT_EQ(text->rfind("RecordType,ForceCode,OccurrenceRef,RecordVersion,", 0), 0u);
  EXPECT_EQ(text->substr(text->size() - 2), "\r\n");
  EXPECT_EQ(Events(DecodeCsv(*text, {})), events);
}

TEST(CompactBatchEncoder, CsvHeaderNamesOnlyTheColumnsUsed) {
  auto text = EncodeCsv({Events(DecodeNdjson(
      R"({"RecordType":"CLOSED","ForceCode":"WYP","OccurrenceRef":"WY/13/2026/55012","RecordVersion":2})",
      {}))});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "RecordType,ForceCode,OccurrenceRef,RecordVersion\r\n"
            "CLOSED,WYP,WY/13/2026/55012,2\r\n");
}

TEST(CompactBatchEncoder, CsvCarriesIntelligenceColumnsAfterThePoliceOnes) {
  model::Event rhi = testing::AllFieldsEvent();
  rhi.kind = model::EventKind::kRhiRecorded;
  rhi.escalation.reset();
  auto text = EncodeCsv({SampleEvents()[0], rhi});
  ASSERT_TRUE(text.ok()) << testing::Describe(text.error());
  const std::string header = text->substr(0, text->find("\r\n"));
  EXPECT_LT(header.find("OfficerInCase"), header.find("RelatedOccurrenceRefs"));
  EXPECT_NE(header.find("RisksIdentified"), std::string::npos);
}

TEST(CompactBatchEncoder, PointsErrorsAtTheEventsIndex) {
  auto events = SampleEvents();
  events[1].kind = model::EventKind::kPlacementNotified;
  for (const auto& result : {EncodeNdjson(events), EncodeCsv(events)}) {
    const FieldError e = OnlyError(result);
    EXPECT_EQ(e.pointer, "/1/kind");
    EXPECT_EQ(e.code, "not_representable");
  }
}

TEST(CompactBatchEncoder, RefusesAnEmptyBatch) {
  EXPECT_EQ(OnlyError(EncodeNdjson({})).code, "empty");
  EXPECT_EQ(OnlyError(EncodeCsv({})).code, "empty");
}

}  // namespace
}  // namespace isagw::adapters::compact
