#include "tests/reports/year_generator.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <set>
#include <span>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>

namespace isagw::reports::testing {
namespace {

using nlohmann::json;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// ---------------------------------------------------------------------------
// Randomness: mt19937_64 is specified bit for bit by the standard; the
// distributions below are ours, so the output is the same everywhere.

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, n), n > 0, without modulo bias.
  std::uint64_t Below(std::uint64_t n) {
    const std::uint64_t limit =
        std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
    std::uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return x % n;
  }
  // Uniform in [lo, hi].
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  // True `per_mille` times in a thousand.
  bool Chance(int per_mille) { return Below(1000) < static_cast<std::uint64_t>(per_mille); }
  // An index drawn with the given integer weights.
  std::size_t Weighted(std::span<const int> weights) {
    const int total = std::accumulate(weights.begin(), weights.end(), 0);
    std::int64_t draw = Between(0, total - 1);
    for (std::size_t i = 0; i < weights.size(); ++i) {
      draw -= weights[i];
      if (draw < 0) return i;
    }
    return weights.size() - 1;
  }
  template <typename Container>
  const auto& Pick(const Container& items) {
    return items[Below(std::size(items))];
  }

 private:
  std::mt19937_64 engine_;
};

// SplitMix64: independent seeds for each child from (seed, area, child),
// so a child is the same whatever the size of the run around it.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// ---------------------------------------------------------------------------
// The areas. Postcodes are in the districts certs-example/registry.yaml
// gives each council, so the gateway routes to the right host; the places
// are examples, a few per area, so hot spots recur.

struct NamedPlace {
  std::string_view name;
  std::string_view postcode;
};

struct Stay {
  std::string_view description;
  std::string_view town;
  std::string_view postcode;  // empty: the child did not say
};

struct Adult {
  std::string_view name;
  int approx_age;
};

struct PlacingChoice {
  std::string_view agency;
  int weight;
};

struct AreaSpec {
  std::string_view agency;
  std::string_view short_name;  // in child ids
  std::string_view la_number;
  std::string_view force_agency;
  std::string_view force_code;
  std::string_view ref_prefix;  // OccurrenceRef "DB/21/2026/004512"
  std::string_view ref_unit;
  std::string_view provider_agency;  // commissioned RHI provider; empty: none
  std::string_view provider_code;
  std::vector<NamedPlace> hot_spots;  // most visited first
  std::vector<std::string_view> placement_postcodes;
  int placed_per_mille;  // children placed here by other councils
  std::vector<PlacingChoice> placing;
  std::vector<std::string_view> neighbours;  // areas where a child may be found
  int region;                                // which shared lists of stays and adults
};

const std::vector<AreaSpec>& Areas() {
  static const std::vector<AreaSpec> kAreas = {
      {"la-derby",
       "derby",
       "831",
       "police-derbys",
       "DERBYS",
       "DB",
       "21",
       "provider-brighter-futures",
       "BRIGHTER-FUTURES",
       {{"Derby bus station", "DE1 2AY"},
        {"Intu shopping centre, Derby", "DE1 2PQ"},
        {"Markeaton Park", "DE22 3BG"},
        {"Derby railway station", "DE1 2RU"},
        {"Normanton Road shops", "DE23 6UQ"},
        {"Chaddesden Park", "DE21 6LD"},
        {"Alvaston Park", "DE24 0AH"}},
       {"DE22 3AB", "DE23 8NX", "DE21 4SJ", "DE3 0BP"},
       80,
       {{"la-staffordshire", 3}, {"la-nottingham", 2}, {"la-croydon", 1}},
       {"la-nottingham", "la-staffordshire"},
       0},
      {"la-staffordshire",
       "staffordshire",
       "860",
       "police-staffs",
       "STAFFS",
       "ST",
       "21",
       "provider-catch22",
       "CATCH22",
       {{"Stafford railway station", "ST16 2BS"},
        {"Cannock bus station", "WS11 1BS"},
        {"Burton Place shopping centre", "DE14 1AR"},
        {"Victoria Park, Stafford", "ST16 2AR"},
        {"Lichfield City station", "WS13 6HX"},
        {"Tamworth Castle Grounds", "B79 7NA"},
        {"Newcastle-under-Lyme bus station", "ST5 1AS"}},
       {"ST16 3DE", "WS11 0JP", "DE14 2LP", "ST17 9HH", "B77 2QA"},
       333,
       {{"la-croydon", 3},
        {"la-derby", 2},
        {"la-bradford", 2},
        {"la-stoke", 2},
        {"la-nottingham", 1}},
       {"la-stoke", "la-derby"},
       0},
      {"la-stoke",
       "stoke",
       "861",
       "police-staffs",
       "STAFFS",
       "ST",
       "21",
       "provider-catch22",
       "CATCH22",
       {{"Hanley bus station", "ST1 1HL"},
        {"Stoke-on-Trent railway station", "ST4 2AA"},
        {"Potteries shopping centre", "ST1 1PS"},
        {"Hanley Park", "ST1 3EY"},
        {"Longton Exchange", "ST3 2JJ"},
        {"Tunstall Park", "ST6 5TD"}},
       {"ST4 7QB", "ST3 5RT", "ST2 8LZ", "ST6 2EN"},
       80,
       {{"la-staffordshire", 3}, {"la-derby", 1}, {"la-bradford", 1}},
       {"la-staffordshire"},
       0},
      {"la-croydon",
       "croydon",
       "306",
       "police-met",
       "MET",
       "MP",
       "01",
       "",
       "",
       {{"West Croydon bus station", "CR0 2TB"},
        {"East Croydon station", "CR0 1LF"},
        {"Whitgift Centre", "CR0 1UB"},
        {"Thornton Heath Pond", "CR7 8RN"},
        {"South Norwood Country Park", "SE25 6PE"},
        {"Purley Way retail park", "CR0 4XJ"}},
       {"CR0 1NX", "CR7 7JH", "SE25 5QE", "CR2 6HA"},
       60,
       {{"la-bradford", 1}, {"la-nottingham", 1}},
       {},
       1},
      {"la-nottingham",
       "nottingham",
       "892",
       "police-notts",
       "NOTTS",
       "NT",
       "14",
       "",
       "",
       {{"Victoria Centre", "NG1 3QN"},
        {"Broad Marsh bus station", "NG1 7LS"},
        {"Nottingham railway station", "NG2 3AQ"},
        {"The Forest Recreation Ground", "NG7 6AS"},
        {"Bulwell bus station", "NG6 8AJ"},
        {"Clifton tram stop", "NG11 8EW"}},
       {"NG5 1AB", "NG8 3GP", "NG3 4DX", "NG11 9FT"},
       80,
       {{"la-derby", 2}, {"la-croydon", 1}, {"la-staffordshire", 1}},
       {"la-derby"},
       0},
  };
  return kAreas;
}

// Hot spots and stays: the first few are the most popular.
constexpr std::array<int, 7> kPopularity = {30, 20, 15, 12, 10, 8, 5};

// Shared across each region's children, so the same places and adults
// turn up in several children's interviews (cross-referencing).
const std::vector<Stay>& StaysOf(int region) {
  static const std::vector<Stay> kMidlands = {
      {"A flat above a shop", "Derby", "DE1 2AY"},
      {"A friend's house", "Stoke-on-Trent", "ST4 2DE"},
      {"Hotel near the railway station", "Stafford", "ST16 2BS"},
      {"A house in Normanton", "Derby", "DE23 6UQ"},
      {"Stayed out in a park overnight", "Nottingham", ""},
      {"An older male's car", "Burton upon Trent", ""},
      {"A flat in Hanley", "Stoke-on-Trent", "ST1 3EY"},
      {"A relative's house", "Cannock", ""},
  };
  static const std::vector<Stay> kLondon = {
      {"A friend's house", "Croydon", "CR0 2TB"},
      {"A flat in Thornton Heath", "Croydon", "CR7 8RN"},
      {"Travelled on night buses", "London", ""},
  };
  return region == 0 ? kMidlands : kLondon;
}

const std::vector<Adult>& AdultsOf(int region) {
  static const std::vector<Adult> kMidlands = {
      {"Older male known as T", 24},
      {"Man called Dean", 31},
      {"Woman known as Tash", 27},
      {"Male known as Smithy", 22},
      {"Rico", 19},
      {"Older male called Mo", 35},
  };
  static const std::vector<Adult> kLondon = {
      {"Male known as Skinz", 21}, {"Man called Lee", 29}, {"Older male known as Uncle", 40}};
  return region == 0 ? kMidlands : kLondon;
}

// Every council that may place a child, with its DfE number.
struct Council {
  std::string_view agency;
  std::string_view la_number;
  std::string_view short_name;
  std::string_view team;
};
constexpr std::array<Council, 6> kCouncils = {{
    {"la-derby", "831", "derby", "Derby Children in Care Team"},
    {"la-staffordshire", "860", "staffordshire", "Staffordshire Children in Care Team"},
    {"la-stoke", "861", "stoke", "Stoke-on-Trent Children Looked After Team"},
    {"la-croydon", "306", "croydon", "Croydon Children Looked After Team"},
    {"la-bradford", "380", "bradford", "Bradford Looked After Children Team"},
    {"la-nottingham", "892", "nottingham", "Nottingham Children in Care Team"},
}};

const Council& CouncilOf(std::string_view agency) {
  for (const Council& c : kCouncils) {
    if (c.agency == agency) return c;
  }
  throw std::invalid_argument("year generator: no such council");
}

constexpr std::array<std::string_view, 15> kGirlsNames = {
    "Leah",    "Mia",  "Ellie", "Chloe",  "Amelia", "Ruby",     "Aisha", "Zara",
    "Bethany", "Demi", "Kacey", "Sophie", "Jade",   "Courtney", "Megan"};
constexpr std::array<std::string_view, 15> kBoysNames = {
    "Alex", "Jordan", "Reece", "Kayden", "Jayden", "Tyler",  "Kai",  "Liam",
    "Noah", "Ethan",  "Logan", "Callum", "Riley",  "Connor", "Mason"};
constexpr std::array<std::string_view, 20> kSurnames = {
    "Example", "Sample",   "Specimen",  "Testcase", "Placeholder", "Mock",    "Dummy",
    "Fixture", "Stub",     "Proto",     "Draft",    "Model",       "Pattern", "Trial",
    "Demo",    "Instance", "Prototype", "Replica",  "Template",    "Mockup"};
constexpr std::array<std::string_view, 8> kEthnicities = {"W1", "W1", "W1", "W2",
                                                          "M1", "A1", "B1", "B2"};
constexpr std::array<std::string_view, 6> kSocialWorkers = {"Pat Sample",      "Jo Specimen",
                                                            "Chris Example",   "Robin Testcase",
                                                            "Lee Placeholder", "Nat Fixture"};
constexpr std::array<std::string_view, 6> kCircumstances = {
    "Left the home after an argument with staff",
    "Did not return from school",
    "Went out with friends and did not return by curfew",
    "Left during the night; bed found empty in the morning",
    "Did not return after contact with family",
    "Seen getting into a car with older males"};  // the last: children with concerns only
// Rationales by risk level (kLevels), and for a child with exploitation concerns.
constexpr std::array<std::string_view, 4> kRationales = {
    "No concerns for immediate safety", "Known to stay out late; usually returns",
    "Not seen overnight; phone switched off", "Young age and vulnerable; no contact since"};
constexpr std::string_view kExploitationRationale = "Concerns about exploitation";

// Risk levels the police grade today, least to most.
constexpr std::array<std::string_view, 4> kLevels = {"very_low", "low", "medium", "high"};

std::string Padded(std::int64_t value, int width) {
  std::string text = std::to_string(value);
  if (static_cast<int>(text.size()) < width) {
    text.insert(0, static_cast<std::size_t>(width) - text.size(), '0');
  }
  return text;
}

// A valid NHS number: nine digits and their modulus-11 check digit; bases
// whose check would be 10 are skipped (never issued).
std::optional<std::string> NhsNumber(std::uint64_t nine_digits) {
  const std::string digits = Padded(static_cast<std::int64_t>(nine_digits), 9);
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[static_cast<std::size_t>(i)] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return std::nullopt;
  return digits + static_cast<char>('0' + check);
}

int YearOf(model::Timestamp t) {
  return static_cast<int>(std::chrono::year_month_day{std::chrono::floor<days>(t)}.year());
}

// ---------------------------------------------------------------------------
// The generator's own model of the year.

struct RiskGrade {
  int level;  // index in kLevels
  model::Timestamp at;
  model::Timestamp received_at;
};

struct Interview {
  std::string outcome;
  std::optional<model::Timestamp> offered_at, completed_at;
  model::Timestamp received_at;
  std::vector<int> stays;  // indices in StaysOf(region)
  bool with_adult = false;
  int friends = 0;
};

struct EpisodeModel {
  std::size_t child = 0;
  int index = 0;  // the child's how-manieth episode, from 0
  std::string police_ref;
  model::Timestamp last_seen_at, reported_at, reported_received_at;
  NamedPlace last_seen;
  std::string circumstances;
  std::vector<RiskGrade> risk;  // the first is the grading at report
  std::optional<model::Timestamp> found_at, found_received_at;
  std::string found_by;
  std::optional<NamedPlace> found_place;  // none: returned to home or placement
  std::string found_description;
  std::optional<model::Timestamp> safe_and_well_at, closed_received_at;
  std::optional<Interview> interview;
};

struct ChildModel {
  std::string id;
  const AreaSpec* area = nullptr;
  std::string forename, surname;
  std::chrono::year_month_day date_of_birth;
  int age = 0;
  std::string sex;
  std::string ethnicity;
  std::string nhs_number;
  const Council* placing = nullptr;  // another council that placed the child here
  bool looked_after = false;
  std::string missing_from;
  std::string legal_status;
  std::string placement_type;
  std::string placement_postcode;
  std::string social_worker;
  std::string officer;
  std::vector<int> favourite_spots;
  std::vector<int> favourite_stays;
  int adult = -1;       // index in AdultsOf(region); -1: none
  std::string concern;  // "cse", "cce" or empty
  std::optional<model::Timestamp> placement_received_at;
  std::vector<EpisodeModel> episodes;
};

class Generator {
 public:
  explicit Generator(const YearOptions& options)
      : options_(options), start_(options.start), end_(options.start + days{options.days}) {}

  GeneratedYear Run();

 private:
  void MakeChild(const AreaSpec& area, std::size_t area_index, int index);
  void MakeEpisodes(Random& random, ChildModel& child);
  // False when the episode would start too late to be reported in the year.
  bool MakeEpisode(Random& random, ChildModel& child, EpisodeModel& episode);
  void MakeInterview(Random& random, const ChildModel& child, EpisodeModel& episode);
  void NumberEpisodes();
  void Emit(std::string sender, json document, model::Timestamp received_at);
  void EmitChild(const ChildModel& child);
  void EmitEpisode(const ChildModel& child, const EpisodeModel& episode);
  json PoliceRecord(const ChildModel& child, const EpisodeModel& e, std::string_view kind,
                    int version, std::size_t risk_count) const;
  TruthEpisode Truth(const ChildModel& child, const EpisodeModel& e) const;

  const YearOptions& options_;
  model::Timestamp start_, end_;
  std::vector<ChildModel> children_;
  std::set<std::tuple<std::string, std::string, int>> names_taken_;  // surname, forename, dob
  std::uint64_t next_nhs_ = 0;
  int next_placement_ = 0;
  std::map<std::string, int, std::less<>> next_interview_;
  // Messages with the order they were made in, to keep causal order
  // among messages received at the same second.
  struct Pending {
    GeneratedMessage message;
    std::size_t order;
  };
  std::vector<Pending> pending_;
};

GeneratedYear Generator::Run() {
  std::vector<const AreaSpec*> chosen;
  for (const std::string& id : options_.areas) {
    const auto& areas = Areas();
    auto it =
        std::find_if(areas.begin(), areas.end(), [&](const AreaSpec& a) { return a.agency == id; });
    if (it == areas.end()) throw std::invalid_argument("year generator: unknown area " + id);
    chosen.push_back(&*it);
  }
  if (options_.days <= 2) throw std::invalid_argument("year generator: needs at least three days");
  if (options_.children_per_area < 0 || options_.children_per_area > 100000) {
    throw std::invalid_argument("year generator: children_per_area out of range");
  }
  Random global(Mix(options_.seed));
  next_nhs_ = 999000000 + global.Below(200000);  // the 999 range: test numbers
  for (const AreaSpec* area : chosen) {
    const auto area_index = static_cast<std::size_t>(area - Areas().data());
    for (int i = 0; i < options_.children_per_area; ++i) MakeChild(*area, area_index, i);
  }
  NumberEpisodes();

  GeneratedYear year;
  for (const ChildModel& child : children_) {
    EmitChild(child);
    for (const EpisodeModel& e : child.episodes) {
      EmitEpisode(child, e);
      year.episodes.push_back(Truth(child, e));
    }
  }
  std::stable_sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
    return std::tie(a.message.received_at, a.order) < std::tie(b.message.received_at, b.order);
  });
  year.messages.reserve(pending_.size());
  for (Pending& p : pending_) year.messages.push_back(std::move(p.message));
  std::sort(
      year.episodes.begin(), year.episodes.end(), [](const TruthEpisode& a, const TruthEpisode& b) {
        return std::tie(a.missing_since, a.police_ref) < std::tie(b.missing_since, b.police_ref);
      });
  return year;
}

void Generator::MakeChild(const AreaSpec& area, std::size_t area_index, int index) {
  Random random(Mix(Mix(options_.seed) ^ Mix((area_index << 32) + static_cast<unsigned>(index))));
  ChildModel child;
  child.area = &area;
  child.id =
      "C-" + std::string(area.short_name) + "-" +
      Padded(index + 1,
             std::max<int>(3, static_cast<int>(std::to_string(options_.children_per_area).size())));
  child.sex = random.Chance(520) ? "female" : "male";
  child.forename = child.sex == "female" ? random.Pick(kGirlsNames) : random.Pick(kBoysNames);
  child.surname = random.Pick(kSurnames);
  child.ethnicity = random.Pick(kEthnicities);
  child.age = static_cast<int>(random.Between(10, 17));
  const auto start_day = std::chrono::floor<days>(start_);
  auto birth = start_day - days{365 * child.age + random.Between(0, 364)};
  // Name and date of birth identify a child when the NHS number does not:
  // keep them unique so no child is linked under another's key.
  while (!names_taken_
              .insert({child.surname, child.forename,
                       static_cast<int>(birth.time_since_epoch().count())})
              .second) {
    birth += days{1};
  }
  child.date_of_birth = std::chrono::year_month_day{birth};
  for (;;) {
    auto nhs = NhsNumber(next_nhs_++);
    if (nhs) {
      child.nhs_number = *nhs;
      break;
    }
  }

  if (random.Chance(area.placed_per_mille)) {
    std::vector<int> weights;
    for (const PlacingChoice& p : area.placing) weights.push_back(p.weight);
    child.placing = &CouncilOf(area.placing[random.Weighted(weights)].agency);
  }
  child.looked_after = child.placing != nullptr || random.Chance(350);
  if (child.looked_after) {
    const bool residential = random.Chance(600);
    child.missing_from = residential ? "residential" : "foster";
    child.placement_type =
        residential ? "K2" : std::string("U") + static_cast<char>('1' + random.Below(6));
    child.legal_status = random.Chance(800) ? "C2" : (random.Chance(500) ? "C1" : "V2");
  } else {
    child.missing_from = random.Chance(900) ? "home" : "other";
  }
  child.placement_postcode = random.Pick(area.placement_postcodes);
  child.social_worker = random.Pick(kSocialWorkers);
  child.officer = "PC " + std::to_string(random.Between(1000, 9999));

  const std::span<const int> spot_weights(kPopularity.data(), area.hot_spots.size());
  child.favourite_spots.push_back(static_cast<int>(random.Weighted(spot_weights)));
  child.favourite_spots.push_back(static_cast<int>(random.Weighted(spot_weights)));
  const auto& stays = StaysOf(area.region);
  const std::span<const int> stay_weights(kPopularity.data(),
                                          std::min(stays.size(), kPopularity.size()));
  child.favourite_stays.push_back(static_cast<int>(random.Weighted(stay_weights)));
  if (random.Chance(500)) {
    child.favourite_stays.push_back(static_cast<int>(random.Weighted(stay_weights)));
  }
  if (random.Chance(250)) {
    const auto& adults = AdultsOf(area.region);
    const std::span<const int> adult_weights(kPopularity.data(),
                                             std::min(adults.size(), kPopularity.size()));
    child.adult = static_cast<int>(random.Weighted(adult_weights));
    child.concern = random.Chance(500) ? "cce" : "cse";
  }

  MakeEpisodes(random, child);
  if (child.episodes.empty()) return;  // nothing to send: not one of the year's children
  if (child.placing != nullptr) {
    // Notified some time before the first episode, within the year.
    const model::Timestamp first = child.episodes.front().reported_received_at;
    const auto lead = minutes{random.Between(60, 30 * 1440)};
    model::Timestamp at = first - lead;
    if (at < start_) at = start_ + (first - start_) / 2;
    child.placement_received_at = std::chrono::floor<seconds>(at);
  }
  children_.push_back(std::move(child));
}

void Generator::MakeEpisodes(Random& random, ChildModel& child) {
  // Most children go missing once or twice; a few six to twelve times.
  static constexpr std::array<int, 12> kCountWeights = {450, 220, 110, 70, 50, 30,
                                                        20,  15,  12,  8,  8,  7};
  const int count = static_cast<int>(random.Weighted(kCountWeights)) + 1;
  const std::int64_t year_minutes = (end_ - start_) / minutes{1};
  // Episodes begin no earlier than a day in (room for a placement
  // notification) and no later than a few hours before the end.
  const std::int64_t first = std::min<std::int64_t>(1440, year_minutes / 3);
  const std::int64_t last = year_minutes - 180;
  std::int64_t from = first, to = last;
  if (count >= 4) {
    // Repeat episodes come in a bad spell of a few months.
    const std::int64_t spell = std::min<std::int64_t>(random.Between(45, 120) * 1440, last - first);
    from = random.Between(first, last - spell);
    to = from + spell;
  }
  std::vector<std::int64_t> starts;
  for (int i = 0; i < count; ++i) starts.push_back(random.Between(from, to));
  std::sort(starts.begin(), starts.end());

  std::optional<model::Timestamp> free_from;
  for (int i = 0; i < count; ++i) {
    model::Timestamp begin = start_ + minutes{starts[static_cast<std::size_t>(i)]};
    if (free_from && begin < *free_from) begin = *free_from;
    EpisodeModel episode;
    episode.index = i;
    episode.last_seen_at = begin;
    if (!MakeEpisode(random, child, episode)) break;
    const bool open = !episode.found_received_at;
    if (!open) free_from = *episode.found_received_at + minutes{random.Between(360, 3 * 1440)};
    child.episodes.push_back(std::move(episode));
    if (open) break;  // still missing at the end of the year
  }
}

bool Generator::MakeEpisode(Random& random, ChildModel& child, EpisodeModel& e) {
  const AreaSpec& area = *child.area;
  // How long: hours mostly, a few over 72 hours and over five days.
  static constexpr std::array<int, 6> kDurationWeights = {350, 300, 200, 80, 50, 20};
  static constexpr std::array<std::pair<int, int>, 6> kDurationMinutes = {
      {{60, 480}, {480, 1440}, {1440, 2880}, {2880, 4320}, {4321, 7200}, {7201, 14400}}};
  const auto bucket = kDurationMinutes[random.Weighted(kDurationWeights)];
  const auto duration = minutes{random.Between(bucket.first, bucket.second)};

  e.reported_at = e.last_seen_at + std::min(minutes{random.Between(15, 240)}, duration / 2);
  e.reported_received_at = e.reported_at + minutes{random.Between(1, 8)};
  if (e.reported_received_at >= end_) return false;

  const int spot = random.Chance(750) ? child.favourite_spots[random.Below(2)]
                                      : static_cast<int>(random.Below(area.hot_spots.size()));
  e.last_seen = area.hot_spots[static_cast<std::size_t>(spot)];
  e.circumstances =
      kCircumstances[random.Below(kCircumstances.size() - (child.concern.empty() ? 1 : 0))];

  // Risk at report, then perhaps a re-grade or two before found.
  static constexpr std::array<int, 4> kLevelWeights = {50, 300, 500, 150};
  int level = static_cast<int>(random.Weighted(kLevelWeights));
  if (!child.concern.empty() && level < 2) level = 2;
  e.risk.push_back({level, e.reported_at, e.reported_received_at});

  const model::Timestamp found_at = e.last_seen_at + duration;
  const model::Timestamp found_received = found_at + minutes{random.Between(15, 180)};
  const bool found = found_received < end_;
  // Re-grades happen while the child is missing (within the year).
  const model::Timestamp review_until = (found ? found_at : end_) - minutes{15};
  static constexpr std::array<int, 3> kReviewWeights = {700, 220, 80};
  const int reviews = static_cast<int>(random.Weighted(kReviewWeights));
  model::Timestamp previous = e.reported_received_at;
  for (int r = 0; r < reviews; ++r) {
    const model::Timestamp earliest = previous + minutes{30};
    if (earliest + minutes{10} >= review_until) break;
    const model::Timestamp at =
        earliest + minutes{random.Between(0, (review_until - earliest) / minutes{1} / 2)};
    // Longer missing pushes the grade up; a sighting may bring it down.
    const bool up = level == 0 || (level < 3 && random.Chance(700));
    level += up ? 1 : -1;
    const model::Timestamp received = at + minutes{random.Between(1, 8)};
    e.risk.push_back({level, at, received});
    previous = received;
  }
  if (!found) return true;

  e.found_at = found_at;
  e.found_received_at = std::max(found_received, previous + minutes{1});
  static constexpr std::array<std::string_view, 4> kFoundBy = {"police", "self_return", "carer",
                                                               "other_agency"};
  static constexpr std::array<int, 4> kFoundByWeights = {350, 450, 150, 50};
  e.found_by = kFoundBy[random.Weighted(kFoundByWeights)];
  if (e.found_by == "self_return" && random.Chance(500)) {
    e.found_description = child.looked_after ? "Returned to placement" : "Returned home";
  } else if (!area.neighbours.empty() && random.Chance(200)) {
    const AreaSpec* other = nullptr;
    const std::string_view id = random.Pick(area.neighbours);
    for (const AreaSpec& a : Areas()) {
      if (a.agency == id) other = &a;
    }
    e.found_place = other->hot_spots[random.Weighted(
        std::span<const int>(kPopularity.data(), other->hot_spots.size()))];
  } else {
    const int at = random.Chance(600) ? child.favourite_spots[random.Below(2)]
                                      : static_cast<int>(random.Below(area.hot_spots.size()));
    e.found_place = area.hot_spots[static_cast<std::size_t>(at)];
  }
  if (e.found_place) e.found_description = std::string(e.found_place->name);

  // Closed a day or so after found, for most.
  if (random.Chance(880)) {
    e.safe_and_well_at = found_at + minutes{random.Between(30, 1200)};
    model::Timestamp closed = found_at + minutes{random.Between(720, 3600)};
    closed =
        std::max({closed, *e.safe_and_well_at + minutes{30}, *e.found_received_at + minutes{1}});
    if (closed < end_) e.closed_received_at = closed;
  }
  if (!area.provider_agency.empty() && random.Chance(880)) MakeInterview(random, child, e);
  return true;
}

void Generator::MakeInterview(Random& random, const ChildModel& child, EpisodeModel& e) {
  const model::Timestamp found = *e.found_at;
  Interview rhi;
  static constexpr std::array<std::string_view, 4> kOutcomes = {"completed", "declined",
                                                                "no_contact", "not_offered"};
  static constexpr std::array<int, 4> kOutcomeWeights = {650, 150, 120, 80};
  rhi.outcome = kOutcomes[random.Weighted(kOutcomeWeights)];
  if (rhi.outcome != "not_offered") {
    rhi.offered_at =
        std::max(found + minutes{random.Between(240, 2880)}, *e.found_received_at + minutes{1});
  }
  if (rhi.outcome == "completed") {
    const model::Timestamp deadline = found + hours{72};
    if (random.Chance(600) && *rhi.offered_at + minutes{60} < deadline) {
      rhi.completed_at = *rhi.offered_at +
                         minutes{random.Between(60, (deadline - *rhi.offered_at) / minutes{1} - 1)};
    } else {
      rhi.completed_at = std::max(deadline + minutes{random.Between(60, 11 * 1440)},
                                  *rhi.offered_at + minutes{60});
    }
    rhi.received_at = *rhi.completed_at + minutes{random.Between(60, 2880)};
    const auto& stays = StaysOf(child.area->region);
    rhi.stays.push_back(random.Chance(600)
                            ? child.favourite_stays[random.Below(child.favourite_stays.size())]
                            : static_cast<int>(random.Below(stays.size())));
    if (random.Chance(300)) {
      const int second = static_cast<int>(random.Below(stays.size()));
      if (second != rhi.stays.front()) rhi.stays.push_back(second);
    }
    rhi.with_adult = child.adult >= 0 && random.Chance(700);
    rhi.friends = static_cast<int>(random.Below(3));
  } else if (rhi.outcome == "declined") {
    rhi.received_at = *rhi.offered_at + minutes{random.Between(60, 1440)};
  } else if (rhi.outcome == "no_contact") {
    rhi.received_at = *rhi.offered_at + minutes{random.Between(72 * 60, 144 * 60)};
  } else {
    rhi.received_at = found + minutes{random.Between(72 * 60, 120 * 60)};
  }
  rhi.received_at = std::max(rhi.received_at, *e.found_received_at + minutes{1});
  if (rhi.received_at < end_) e.interview = std::move(rhi);
}

// OccurrenceRefs in the order each force was told, per force and year.
void Generator::NumberEpisodes() {
  std::vector<EpisodeModel*> all;
  for (ChildModel& child : children_) {
    for (EpisodeModel& e : child.episodes) all.push_back(&e);
  }
  for (std::size_t c = 0; c < children_.size(); ++c) {
    for (EpisodeModel& e : children_[c].episodes) e.child = c;
  }
  std::stable_sort(all.begin(), all.end(), [](const EpisodeModel* a, const EpisodeModel* b) {
    return a->reported_at < b->reported_at;
  });
  Random random(Mix(options_.seed ^ 0x5eedULL));
  std::map<std::pair<std::string_view, int>, std::int64_t> next;
  for (EpisodeModel* e : all) {
    const AreaSpec& area = *children_[e->child].area;
    const int year = YearOf(e->reported_at);
    auto [it, inserted] = next.try_emplace({area.force_code, year}, 0);
    if (inserted) it->second = random.Between(1000, 3000);
    const std::int64_t number = it->second++;
    e->police_ref = std::string(area.ref_prefix) + "/" + std::string(area.ref_unit) + "/" +
                    std::to_string(year) + "/" + Padded(number, 6);
  }
}

void Generator::Emit(std::string sender, json document, model::Timestamp received_at) {
  document["model"] = "isagw.canonical/1";
  document["header"]["sent_at"] = model::FormatTimestamp(received_at - seconds{5});
  pending_.push_back(
      {GeneratedMessage{std::move(sender), document.dump(), received_at}, pending_.size()});
}

void Generator::EmitChild(const ChildModel& child) {
  if (child.placing == nullptr || !child.placement_received_at) return;
  const Council& placing = *child.placing;
  const Council& host = CouncilOf(child.area->agency);
  std::string worker_email;
  for (char c : child.social_worker) {
    worker_email.push_back(
        c == ' ' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  json doc;
  doc["kind"] = "placement_notified";
  doc["header"] = {
      {"message_id", std::string(placing.short_name) + "-PN-" + Padded(++next_placement_, 6)},
      {"from_la", placing.la_number},
      {"to_la", host.la_number}};
  doc["child"] = {
      {"forename", child.forename},
      {"surname", child.surname},
      {"date_of_birth", model::FormatDate(child.date_of_birth)},
      {"sex", child.sex},
      {"nhs_number", child.nhs_number},
      {"council_person_id", {{"la", placing.la_number}, {"person_id", child.id}}},
      {"looked_after", "yes"},
      {"legal_status", child.legal_status},
      {"responsible_la", placing.la_number},
      {"placement", {{"type", child.placement_type}, {"postcode", child.placement_postcode}}},
      {"social_worker",
       {{"name", child.social_worker},
        {"team", placing.team},
        {"phone", "01234 000000"},
        {"email", worker_email + "@example.org"}}}};
  Emit(std::string(placing.agency), std::move(doc), *child.placement_received_at);
}

json Generator::PoliceRecord(const ChildModel& child, const EpisodeModel& e, std::string_view kind,
                             int version, std::size_t risk_count) const {
  const AreaSpec& area = *child.area;
  std::string message_id =
      std::string(area.force_code) + "-" + e.police_ref + "-" + std::to_string(version);
  std::replace(message_id.begin(), message_id.end(), '/', '-');
  json doc;
  doc["kind"] = kind;
  doc["header"]["message_id"] = message_id;
  doc["child"] = {{"forename", child.forename},
                  {"surname", child.surname},
                  {"date_of_birth", model::FormatDate(child.date_of_birth)},
                  {"sex", child.sex},
                  {"ethnicity", {{"scheme", "police_16plus1"}, {"code", child.ethnicity}}},
                  {"nhs_number", child.nhs_number},
                  {"looked_after", child.looked_after ? "yes" : "no"}};
  json episode = {{"police_ref", e.police_ref},
                  {"force_code", area.force_code},
                  {"record_version", version},
                  {"missing_from", child.missing_from},
                  {"reported_at", model::FormatTimestamp(e.reported_at)},
                  {"last_seen_at", model::FormatTimestamp(e.last_seen_at)},
                  {"last_seen_location",
                   {{"description", e.last_seen.name}, {"postcode", e.last_seen.postcode}}},
                  {"circumstances", e.circumstances},
                  {"officer_in_case", child.officer},
                  {"previous_episodes", e.index}};
  const RiskGrade& grade = e.risk[risk_count - 1];
  const std::string_view rationale = child.concern.empty()
                                         ? kRationales[static_cast<std::size_t>(grade.level)]
                                         : kExploitationRationale;
  episode["risk"] = {{"level", kLevels[static_cast<std::size_t>(grade.level)]},
                     {"rationale", rationale}};
  if (!child.concern.empty()) episode["exploitation"] = {{child.concern, true}};
  if (kind == "found" || kind == "closed") {
    episode["found_at"] = model::FormatTimestamp(*e.found_at);
    episode["found_by"] = e.found_by;
    json location = {{"description", e.found_description}};
    if (e.found_place) location["postcode"] = e.found_place->postcode;
    episode["found_location"] = std::move(location);
  }
  if (kind == "closed" && e.safe_and_well_at) {
    episode["safe_and_well_at"] = model::FormatTimestamp(*e.safe_and_well_at);
    episode["safe_and_well_completed"] = true;
  }
  doc["episode"] = std::move(episode);
  return doc;
}

void Generator::EmitEpisode(const ChildModel& child, const EpisodeModel& e) {
  const std::string force(child.area->force_agency);
  int version = 0;
  for (std::size_t r = 0; r < e.risk.size(); ++r) {
    const auto kind = r == 0 ? "missing_reported" : "risk_reviewed";
    ++version;
    Emit(force, PoliceRecord(child, e, kind, version, r + 1), e.risk[r].received_at);
  }
  if (!e.found_at) return;
  Emit(force, PoliceRecord(child, e, "found", ++version, e.risk.size()), *e.found_received_at);
  if (e.closed_received_at) {
    Emit(force, PoliceRecord(child, e, "closed", ++version, e.risk.size()), *e.closed_received_at);
  }
  if (!e.interview) return;

  const Interview& rhi = *e.interview;
  const AreaSpec& area = *child.area;
  const Council& looks_after = child.placing != nullptr ? *child.placing : CouncilOf(area.agency);
  const std::string interview_id = std::string(area.provider_code) + "-RHI-" +
                                   std::to_string(YearOf(rhi.received_at)) + "-" +
                                   Padded(++next_interview_[std::string(area.provider_code)], 6);
  json doc;
  doc["kind"] = "rhi_recorded";
  doc["header"]["message_id"] = interview_id;
  doc["child"] = {{"forename", child.forename},
                  {"surname", child.surname},
                  {"date_of_birth", model::FormatDate(child.date_of_birth)},
                  {"nhs_number", child.nhs_number},
                  {"council_person_id", {{"la", looks_after.la_number}, {"person_id", child.id}}}};
  json interview = {
      {"provider_id", area.provider_code},
      {"interview_id", interview_id},
      {"police_refs", json::array({e.police_ref})},
      {"returned_at", model::FormatTimestamp(*e.found_at)},
      {"outcome", rhi.outcome},
      {"conducted_by", {{"role", "Return home worker"}, {"independent_of_care", true}}},
      {"consent", {{"police", true}, {"placing_authority", true}}}};
  if (rhi.offered_at) interview["offered_at"] = model::FormatTimestamp(*rhi.offered_at);
  if (rhi.completed_at) interview["completed_at"] = model::FormatTimestamp(*rhi.completed_at);
  if (rhi.outcome == "declined") {
    interview["outcome_reason"] = "The child did not want to talk to a worker";
  } else if (rhi.outcome == "no_contact") {
    interview["outcome_reason"] = "Three attempts to make contact, no response";
  } else if (rhi.outcome == "not_offered") {
    interview["outcome_reason"] = "Moved placement before an interview could be offered";
  }
  if (rhi.outcome == "completed") {
    const auto& stays = StaysOf(area.region);
    json where = json::array();
    for (int s : rhi.stays) {
      const Stay& stay = stays[static_cast<std::size_t>(s)];
      json entry = {{"description", stay.description}, {"town", stay.town}};
      if (!stay.postcode.empty()) entry["postcode"] = stay.postcode;
      where.push_back(std::move(entry));
    }
    interview["where_stayed"] = std::move(where);
    json who = json::array();
    static constexpr std::array<std::string_view, 3> kFriends = {"Friend from school", "Cousin",
                                                                 "Friend from the estate"};
    for (int f = 0; f < rhi.friends; ++f) {
      who.push_back({{"name", kFriends[static_cast<std::size_t>(f)]},
                     {"relationship", f == 1 ? "family" : "friend"},
                     {"approx_age", child.age + (f == 1 ? 2 : 0)},
                     {"adult_of_concern", false}});
    }
    if (rhi.with_adult) {
      const Adult& adult = AdultsOf(area.region)[static_cast<std::size_t>(child.adult)];
      who.push_back({{"name", adult.name},
                     {"relationship", "acquaintance"},
                     {"approx_age", adult.approx_age},
                     {"adult_of_concern", true}});
      interview["exploitation_indicators"] = json::array({child.concern});
      interview["pull_factors"] = json::array({"older_adults", "money_or_gifts"});
      interview["risks_identified"] = json::array({"Association with an adult of concern"});
      interview["actions"] =
          json::array({{{"type", "referral"}, {"to", "Police exploitation team"}}});
    } else {
      interview["pull_factors"] = json::array({"friends", "stayed_out_late"});
      interview["actions"] = json::array({{{"type", "signpost"}, {"to", "Youth service"}}});
    }
    if (!who.empty()) interview["with_whom"] = std::move(who);
    interview["push_factors"] =
        json::array({child.looked_after ? "unhappy_in_placement" : "conflict_at_home"});
  }
  doc["rhi"] = std::move(interview);
  Emit(std::string(area.provider_agency), std::move(doc), rhi.received_at);
}

TruthEpisode Generator::Truth(const ChildModel& child, const EpisodeModel& e) const {
  TruthEpisode t;
  t.police_ref = e.police_ref;
  t.child = child.id;
  t.host_la = std::string(child.area->agency);
  if (child.placing != nullptr) t.placing_la = std::string(child.placing->agency);
  t.looked_after = child.looked_after;
  t.missing_since = e.last_seen_at;
  t.found_at = e.found_at;
  t.closed = e.closed_received_at.has_value();
  for (const RiskGrade& g : e.risk) {
    t.risk_levels.emplace_back(kLevels[static_cast<std::size_t>(g.level)]);
  }
  t.risk = t.risk_levels.back();
  t.last_seen_postcode = std::string(e.last_seen.postcode);
  t.last_seen_place = std::string(e.last_seen.name);
  if (e.found_place) t.found_postcode = std::string(e.found_place->postcode);
  t.found_place = e.found_description;
  if (e.interview) {
    t.rhi_outcome = e.interview->outcome;
    t.rhi_offered_at = e.interview->offered_at;
    t.rhi_completed_at = e.interview->completed_at;
  }
  return t;
}

}  // namespace

GeneratedYear GenerateYear(const YearOptions& options) { return Generator(options).Run(); }

}  // namespace isagw::reports::testing
