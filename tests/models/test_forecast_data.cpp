// The long-term forecasting data protocol (models/tasks/forecast_data.h): ETTh1 read, split,
// scaled and windowed as Time-Series-Library's Dataset_ETT_hour does, against the figures
// its loader printed and values bench/pytorch/forecast_data_reference.py computes with
// NumPy; the ratio and minute rules on made-up tables; the feature modes; and every
// malformed input a kiln::Error naming the file, row and column.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bad_call.h"
#include "models/tasks/forecast_data.h"
#include "models/tasks/timestamps.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using namespace std::chrono;
using testing::error_of;

// NumPy scales in float64 and casts to float32 as the reference's .float() does; kiln adds
// the scaler's sums in another order, which may move a cast value by one float32 step.
constexpr double kCastTolerance = 2.5e-7;

const std::string kEttH1 = std::string(KILN_SHARED_DATA_DIR) + "/ett/ETTh1.csv";

#define SKIP_WITHOUT_ETTH1()                                               \
  if (!std::filesystem::exists(kEttH1))                                    \
  GTEST_SKIP() << kEttH1                                                   \
               << " is absent: the ETT files live outside the repository " \
                  "(../shared/data/ett, see its README)"

const TimeSeriesTable& etth1() {
  static const TimeSeriesTable table = read_time_series_csv(kEttH1);
  return table;
}

ForecastDataOptions ett_options(FeatureMode features = FeatureMode::M) {
  return {.lookback = 96, .horizon = 96, .features = features, .split = split_rule_for(kEttH1)};
}

// Element [window, step, :] of a [B, T, C] batch tensor.
std::vector<double> step_of(const Tensor& batch, int64_t window, int64_t step) {
  return batch.select(0, window).select(0, step).to_vector<double>();
}

void expect_close(const std::vector<double>& actual, const std::vector<double>& expected,
                  double rtol, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], rtol * std::abs(expected[i]) + 1e-9) << what << " " << i;
}

// A table of hand-made rows: one channel per name, channel "index" holding the row number,
// the others a multiple of it, at `step` from 2016-07-01 00:00.
TimeSeriesTable indexed_table(int64_t rows, const std::vector<std::string>& names,
                              seconds step = hours(1)) {
  TimeSeriesTable table;
  table.source = "indexed.csv";
  table.columns = names;
  const sys_seconds start{sys_days{year{2016} / 7 / 1}};
  for (int64_t row = 0; row < rows; ++row) {
    table.timestamps.push_back(start + row * step);
    for (size_t c = 0; c < names.size(); ++c)
      table.values.push_back(names[c] == "index" ? static_cast<double>(row)
                                                 : static_cast<double>((c + 2) * row % 17));
  }
  return table;
}

// The row of the table at the start of window `index` of `split`, read back from the
// standardised "index" channel.
double first_row_of(const ForecastDataset& data, const ForecastSplit& split, int64_t index) {
  const auto channel = std::find(data.channels.begin(), data.channels.end(), "index");
  const auto c = static_cast<size_t>(channel - data.channels.begin());
  return step_of(split.batch({index}).x, 0, 0)[c] * data.std[c] + data.mean[c];
}

TEST(ForecastData, ReadsEttH1) {
  SKIP_WITHOUT_ETTH1();
  const TimeSeriesTable& table = etth1();
  EXPECT_EQ(table.source, kEttH1);
  EXPECT_EQ(table.rows(), 17420);
  EXPECT_EQ(table.columns,
            (std::vector<std::string>{"HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"}));
  EXPECT_EQ(table.timestamps.front(), sys_seconds{sys_days{year{2016} / 7 / 1}});
  EXPECT_EQ(table.timestamps.back(), sys_seconds{sys_days{year{2018} / 6 / 26}} + hours(19));
  EXPECT_EQ(table.values.front(), 5.827000141143799);
  EXPECT_EQ(table.values.back(), 9.56700038909912);
  EXPECT_EQ(split_rule_for(kEttH1), SplitRule::EttHour);
}

TEST(ForecastData, EttH1ScalerAndWindowsAreTheReferences) {
  SKIP_WITHOUT_ETTH1();
  const ForecastDataset data = make_forecast_dataset(etth1(), ett_options());
  // Printed by Time-Series-Library's loader (issue 19): the training rows' OT statistics.
  EXPECT_NEAR(data.mean.back(), 17.1283, 5e-5);
  EXPECT_NEAR(data.std.back(), 9.1765, 5e-5);
  // Every channel's, from forecast_data_reference.py (sklearn's arithmetic in NumPy).
  expect_close(data.mean,
               {7.937742245659508, 2.0210386567335163, 5.079770601157927, 0.7461858799957015,
                2.781762386375555, 0.7884531235540096, 17.1282616982271},
               1e-12, "mean");
  expect_close(data.std,
               {5.81274940914376, 2.0901046504075986, 5.51879357903625, 1.9263792741329897,
                1.0235226594952223, 0.6302366362251974, 9.176491024944383},
               1e-12, "std");
  // 8640 - 96 - 96 + 1, and (2880 + 96) - 96 - 96 + 1 for validation and test.
  EXPECT_EQ(data.train.windows(), 8449);
  EXPECT_EQ(data.validation.windows(), 2785);
  EXPECT_EQ(data.test.windows(), 2785);
  EXPECT_EQ(data.channels, etth1().columns);
  EXPECT_FALSE(data.target_only());
}

TEST(ForecastData, EttH1FirstTrainWindowIsNumpys) {
  SKIP_WITHOUT_ETTH1();
  const ForecastDataset data = make_forecast_dataset(etth1(), ett_options());
  const ForecastBatch batch = data.train.batch({0});
  EXPECT_EQ(batch.x.shape(), (Shape{1, 96, 7}));
  EXPECT_EQ(batch.y.shape(), (Shape{1, 96, 7}));
  EXPECT_EQ(batch.x_mark.shape(), (Shape{1, 96, 4}));
  EXPECT_EQ(batch.y_mark.shape(), (Shape{1, 96, 4}));
  EXPECT_EQ(batch.x.dtype(), kFloat32);
  EXPECT_EQ(batch.x_mark.dtype(), kFloat32);
  expect_close(step_of(batch.x, 0, 0),
               {-0.3631228506565094, -0.005759804509580135, -0.6307122111320496,
                -0.14752331376075745, 1.3885747194290161, 0.8751425743103027, 1.4605516195297241},
               kCastTolerance, "x[0]");
  expect_close(step_of(batch.x, 0, 95),
               {0.823750913143158, 2.1415011882781982, 0.773036539554596, 1.42018461227417,
                0.3773610591888428, 1.8906341791152954, 0.9085976481437683},
               kCastTolerance, "x[L-1]");
  expect_close(step_of(batch.y, 0, 0),
               {0.6969607472419739, 1.7247754335403442, 0.6699344515800476, 1.1434996128082275,
                0.40667158365249634, 1.8906341791152954, 0.9622129201889038},
               kCastTolerance, "y[0]");
  expect_close(step_of(batch.y, 0, 95),
               {1.7572163343429565, 3.2629759311676025, 1.326780915260315, 1.7892706394195557,
                2.966458559036255, 3.582062244415283, 1.4605516195297241},
               kCastTolerance, "y[H-1]");
  // 2016-07-01 00:00, a Friday, day 183 of a leap year; 2016-07-08 23:00.
  EXPECT_EQ(step_of(batch.x_mark, 0, 0),
            (std::vector<double>{-0.5, 0.1666666716337204, -0.5, -0.001369863050058484}));
  EXPECT_EQ(
      step_of(batch.y_mark, 0, 95),
      (std::vector<double>{0.5, 0.1666666716337204, -0.2666666805744171, 0.01780821941792965}));
}

TEST(ForecastData, EttH1LastTestWindowIsNumpys) {
  SKIP_WITHOUT_ETTH1();
  const ForecastDataset data = make_forecast_dataset(etth1(), ett_options());
  const ForecastBatch batch = data.test.batch({data.test.windows() - 1});
  expect_close(step_of(batch.x, 0, 0),
               {0.42049941420555115, -0.261727899312973, 0.4767761826515198, -0.09197870641946793,
                -0.0994236096739769, -0.47831737995147705, -1.398929238319397},
               kCastTolerance, "x[0]");
  expect_close(step_of(batch.y, 0, 95),
               {1.0312259197235107, 0.09040761739015579, 0.8696156144142151, 0.1291615515947342,
                1.1804698705673218, -0.4291294813156128, -1.6136082410812378},
               kCastTolerance, "y[H-1]");
  // 2018-02-13 00:00, a Tuesday, and 2018-02-20 23:00.
  EXPECT_EQ(
      step_of(batch.x_mark, 0, 0),
      (std::vector<double>{-0.5, -0.3333333432674408, -0.10000000149011612, -0.3821917772293091}));
  EXPECT_EQ(
      step_of(batch.y_mark, 0, 95),
      (std::vector<double>{0.5, -0.3333333432674408, 0.13333334028720856, -0.36301368474960327}));
}

TEST(ForecastData, EttH1FeatureModes) {
  SKIP_WITHOUT_ETTH1();
  const ForecastDataset all = make_forecast_dataset(etth1(), ett_options(FeatureMode::M));
  const ForecastDataset single = make_forecast_dataset(etth1(), ett_options(FeatureMode::S));
  const ForecastDataset to_one = make_forecast_dataset(etth1(), ett_options(FeatureMode::MS));
  // S: the target alone, scaled by its own statistics.
  EXPECT_EQ(single.channels, std::vector<std::string>{"OT"});
  EXPECT_EQ(single.mean, std::vector<double>{all.mean.back()});
  EXPECT_EQ(single.std, std::vector<double>{all.std.back()});
  EXPECT_TRUE(single.target_only());
  const ForecastBatch one = single.validation.batch({7}), every = all.validation.batch({7});
  EXPECT_EQ(one.x.shape(), (Shape{1, 96, 1}));
  EXPECT_EQ(one.x.to_vector<double>(), every.x.narrow(2, 6, 1).to_vector<double>());
  EXPECT_EQ(one.y.to_vector<double>(), every.y.narrow(2, 6, 1).to_vector<double>());
  // MS: every channel in and out, the target last; the loss takes the last one.
  EXPECT_EQ(to_one.channels, all.channels);
  EXPECT_TRUE(to_one.target_only());
  EXPECT_EQ(to_one.test.batch({3}).y.to_vector<double>(),
            all.test.batch({3}).y.to_vector<double>());
}

TEST(ForecastData, BatchesStackWindowsInOrder) {
  const ForecastDataset data = make_forecast_dataset(
      generated_time_series(600, 3), {.lookback = 24, .horizon = 12, .split = SplitRule::Ratio});
  const ForecastBatch both = data.train.batch({9, 4});
  EXPECT_EQ(both.x.shape(), (Shape{2, 24, 3}));
  EXPECT_EQ(both.y.shape(), (Shape{2, 12, 3}));
  EXPECT_EQ(both.x.select(0, 0).to_vector<double>(),
            data.train.batch({9}).x.select(0, 0).to_vector<double>());
  EXPECT_EQ(both.y_mark.select(0, 1).to_vector<double>(),
            data.train.batch({4}).y_mark.select(0, 0).to_vector<double>());
  // y starts where x ends: window 4's y[0] is window 5's x[L - 1].
  EXPECT_EQ(step_of(both.y, 1, 0), step_of(data.train.batch({5}).x, 0, 23));
  EXPECT_EQ(step_of(both.x_mark, 1, 1), step_of(data.train.batch({5}).x_mark, 0, 0));
}

TEST(ForecastData, CustomFilesSplit70To10To20WithTheTargetLast) {
  // int(1001 * 0.7) = 700 train rows, int(1001 * 0.2) = 200 test rows, 101 validation rows.
  const TimeSeriesTable table = indexed_table(1001, {"a", "OT", "index"});
  ASSERT_EQ(split_rule_for(table.source), SplitRule::Ratio);
  const ForecastDataset data =
      make_forecast_dataset(table, {.lookback = 48, .horizon = 24, .split = SplitRule::Ratio});
  EXPECT_EQ(data.channels, (std::vector<std::string>{"a", "index", "OT"}));
  EXPECT_EQ(data.train.windows(), 700 - 48 - 24 + 1);
  EXPECT_EQ(data.validation.windows(), 101 - 24 + 1);
  EXPECT_EQ(data.test.windows(), 200 - 24 + 1);
  EXPECT_NEAR(first_row_of(data, data.train, 0), 0, 1e-3);
  EXPECT_NEAR(first_row_of(data, data.validation, 0), 700 - 48, 1e-3);
  EXPECT_NEAR(first_row_of(data, data.test, 0), 1001 - 200 - 48, 1e-3);
  EXPECT_NEAR(first_row_of(data, data.test, data.test.windows() - 1), 1001 - 48 - 24, 1e-3);
  // The scaler sees the training rows 0 .. 699 only: mean 349.5, population std.
  EXPECT_DOUBLE_EQ(data.mean[1], 349.5);
  EXPECT_NEAR(data.std[1], std::sqrt((700.0 * 700.0 - 1) / 12), 1e-9);
}

TEST(ForecastData, EttMinuteSplitsAreFourTimesTheHours) {
  const TimeSeriesTable table = indexed_table(20 * 30 * 24 * 4, {"index", "OT"}, minutes(15));
  ForecastDataOptions options{.lookback = 96, .horizon = 48, .split = split_rule_for("ETTm2.csv")};
  ASSERT_EQ(options.split, SplitRule::EttMinute);
  const ForecastDataset data = make_forecast_dataset(table, options);
  EXPECT_EQ(data.train.windows(), 34560 - 96 - 48 + 1);
  EXPECT_EQ(data.validation.windows(), 11520 - 48 + 1);
  EXPECT_EQ(data.test.windows(), 11520 - 48 + 1);
  EXPECT_NEAR(first_row_of(data, data.validation, 0), 34560 - 96, 1e-2);
  EXPECT_NEAR(first_row_of(data, data.test, 0), 46080 - 96, 1e-2);
  EXPECT_EQ(data.train.mark_features(), 4);  // the reference's --freq h, as its scripts run
  options.calendar = CalendarFrequency::Minutely;
  const ForecastBatch minutely = make_forecast_dataset(table, options).train.batch({3});
  EXPECT_EQ(minutely.x_mark.shape(), (Shape{1, 96, 5}));
  // Row 3 is 00:45: MinuteOfHour 45 / 59 - 0.5 comes first.
  EXPECT_FLOAT_EQ(step_of(minutely.x_mark, 0, 0)[0], static_cast<float>(45 / 59.0 - 0.5));
  EXPECT_EQ(step_of(minutely.x_mark, 0, 0)[1], -0.5f);
}

TEST(ForecastData, AnEttTableShorterThanItsBordersGetsShorterSplits) {
  // Dataset_ETT_hour slices data[11424:14400] of 12000 rows to 576 rows.
  const ForecastDataset data =
      make_forecast_dataset(indexed_table(12000, {"index", "OT"}), {.split = SplitRule::EttHour});
  EXPECT_EQ(data.test.windows(), 12000 - 11424 - 96 - 96 + 1);
  EXPECT_EQ(data.validation.windows(), 2785);
}

TEST(ForecastData, CalendarFeaturesOfKnownDays) {
  const auto features = [](sys_days day, hours hour) {
    return calendar_features({sys_seconds{day} + hour}, CalendarFrequency::Hourly);
  };
  // 2016-12-31 is day 366 of a leap year; (366 - 1) / 365 - 0.5 = 0.5. A Saturday.
  EXPECT_EQ(features(year{2016} / 12 / 31, hours(23)),
            (std::vector<double>{0.5, 5 / 6.0 - 0.5, 0.5, 0.5}));
  // 2017-01-01, a Sunday.
  EXPECT_EQ(features(year{2017} / 1 / 1, hours(0)), (std::vector<double>{-0.5, 0.5, -0.5, -0.5}));
  // 2018-03-05 12:00, a Monday, day 64.
  EXPECT_EQ(features(year{2018} / 3 / 5, hours(12)),
            (std::vector<double>{12 / 23.0 - 0.5, -0.5, 4 / 30.0 - 0.5, 63 / 365.0 - 0.5}));
}

TEST(ForecastData, TimestampFormats) {
  const auto at = [](sys_days day, seconds time) { return sys_seconds{day} + time; };
  const auto parsed = [](std::string_view text) {
    const TimestampParse result = parse_timestamp(text);
    EXPECT_EQ(result.problem, "") << text;
    return result.time;
  };
  EXPECT_EQ(parsed("2016-07-01 13:05:09"), at(year{2016} / 7 / 1, hours(13) + minutes(5) + 9s));
  EXPECT_EQ(parsed("2016-07-01 13:05"), at(year{2016} / 7 / 1, hours(13) + minutes(5)));
  EXPECT_EQ(parsed("2016-07-01"), at(year{2016} / 7 / 1, 0s));
  EXPECT_EQ(parsed("1990/1/2 0:00"), at(year{1990} / 1 / 2, 0s));
  EXPECT_EQ(parsed("2020-02-29T23:59:59"), at(year{2020} / 2 / 29, hours(23) + minutes(59) + 59s));
  for (const char* bad : {"", "2016", "16-07-01", "2016-07/01", "2016-07-01 ", "2016-07-01 12",
                          "2016-07-01 12:5", "2016-07-01 12:05:", "2016-07-01 12:05:09.5",
                          "2016-07-01 -1:00", "+2016-07-01", "2016-007-01"})
    EXPECT_NE(parse_timestamp(bad).problem.find("is not a timestamp"), std::string::npos) << bad;
  for (const char* impossible : {"2021-02-29", "2021-02-30", "2021-13-01", "2021-00-10",
                                 "2021-04-31", "1900-02-29", "2021-01-00"})
    EXPECT_EQ(parse_timestamp(impossible).problem, "names a day that does not exist") << impossible;
  for (const char* impossible : {"2021-01-01 24:00", "2021-01-01 12:60", "2021-01-01 12:00:60"})
    EXPECT_EQ(parse_timestamp(impossible).problem, "names a time of day that does not exist")
        << impossible;
}

// A CSV file in the temporary directory for the life of the object.
class CsvFile {
 public:
  CsvFile(const std::string& name, const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("kiln_forecast_data_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~CsvFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TimeSeriesTable read_text(const std::string& name, const std::string& text) {
  const CsvFile file(name, text);
  return read_time_series_csv(file.path());
}

TEST(ForecastData, ReadsTheCsvDialect) {
  // A byte-order mark, CRLF, quotes, blanks around cells, a blank line, no final newline.
  const TimeSeriesTable table = read_text(
      "dialect.csv",
      "\xEF\xBB\xBF\"date\", a ,\"b \"\"2\"\"\"\r\n2016-07-01 00:00:00, 1.5 ,\"-2\"\r\n\r\n"
      "2016-07-01 01:00:00,3e2,.25");
  EXPECT_EQ(table.columns, (std::vector<std::string>{"a", "b \"2\""}));
  EXPECT_EQ(table.values, (std::vector<double>{1.5, -2, 300, 0.25}));
  EXPECT_EQ(table.rows(), 2);
  // A blank line still counts in the row numbers, as an editor shows them.
  EXPECT_NE(error_of([] { read_text("blank.csv", "date,a\n\n2016-07-01,x\n"); }).find("row 3"),
            std::string::npos);
}

// Reading a file with this text must throw naming the file (by its name) and these parts.
BadCall bad_csv(const char* name, std::string text, std::vector<std::string> parts) {
  parts.insert(parts.begin(), std::string(name) + ".csv");
  return {name, [name, text] { read_text(std::string(name) + ".csv", text); }, parts};
}

const std::vector<BadCall> bad_files = {
    bad_csv("Empty", "", {"no header row"}),
    bad_csv("HeaderOnly", "date,a,b\n", {"no data rows"}),
    bad_csv("OnlyDates", "date\n2016-07-01\n", {"row 1, column 1 (date)", "value column"}),
    bad_csv("EmptyName", "date,,b\n2016-07-01,1,2\n", {"row 1, column 2 ()", "no name"}),
    bad_csv("RepeatedName", "date,a,a\n2016-07-01,1,2\n", {"row 1, column 3 (a)", "repeated"}),
    bad_csv("ShortRow", "date,a,b\n2016-07-01 00:00,1,2\n2016-07-01 01:00,1\n",
            {"row 3, column 3 (b)", "2 cells, the header 3"}),
    bad_csv("LongRow", "date,a,b\n2016-07-01 00:00,1,2,3\n",
            {"row 2, column 4 (beyond the header)", "more cells"}),
    bad_csv("NotANumber", "date,a,b\n2016-07-01,1,abc\n",
            {"row 2, column 3 (b)", "'abc' is not a number"}),
    bad_csv("TrailingText", "date,a,b\n2016-07-01,1.5x,2\n", {"column 2 (a)", "'1.5x'"}),
    bad_csv("EmptyCell", "date,a,b\n2016-07-01,,2\n", {"row 2, column 2 (a)", "empty"}),
    bad_csv("NaN", "date,a,b\n2016-07-01,1,nan\n", {"column 3 (b)", "'nan' is not a finite"}),
    bad_csv("Infinity", "date,a,b\n2016-07-01,-inf,1\n", {"column 2 (a)", "not a finite"}),
    bad_csv("Huge", "date,a\n2016-07-01,1e999\n", {"column 2 (a)", "beyond the range"}),
    bad_csv("BadTimestamp", "date,a\n2016-07-01,1\nyesterday,2\n",
            {"row 3, column 1 (date)", "'yesterday' is not a timestamp"}),
    bad_csv("ImpossibleDay", "date,a\n2021-02-28 23:00,1\n2021-02-30 00:00,2\n",
            {"row 3, column 1 (date)", "'2021-02-30 00:00' names a day that does not exist"}),
    bad_csv("OpenQuote", "date,a\n2016-07-01,\"1\n", {"row 2, column 2 (a)", "not closed"}),
    bad_csv("TextAfterQuote", "date,a\n2016-07-01,\"1\"2\n", {"column 2 (a)", "closing quote"}),
    {"Missing",
     [] { read_time_series_csv("/nonexistent/kiln/ETTh9.csv"); },
     {"cannot open", "/nonexistent/kiln/ETTh9.csv"}},
    {"Directory",
     [] { read_time_series_csv(std::filesystem::temp_directory_path().string()); },
     {"is a directory"}},
};

class ForecastDataBadFile : public ::testing::TestWithParam<BadCall> {};

TEST_P(ForecastDataBadFile, ThrowsKilnErrorNamingFileRowAndColumn) {
  expect_kiln_error(GetParam());
}

INSTANTIATE_TEST_SUITE_P(ForecastData, ForecastDataBadFile, ::testing::ValuesIn(bad_files),
                         [](const ::testing::TestParamInfo<BadCall>& info) {
                           return info.param.name;
                         });

const std::vector<BadCall> bad_protocol = {
    {"TooFewRowsForATestWindow",
     [] {
       make_forecast_dataset(indexed_table(11424 + 100, {"index", "OT"}),
                             {.split = SplitRule::EttHour});
     },
     {"make_forecast_dataset: indexed.csv (11524 rows)", "test split holds rows [11424, 11524)",
      "lookback + horizon = 192"}},
    {"TooFewRowsForRatioSplits",
     [] { make_forecast_dataset(generated_time_series(150), {.lookback = 96, .horizon = 96}); },
     {"generated(seed=2021) (150 rows)", "train split holds rows [0, 105)"}},
    {"UnknownTarget",
     [] { make_forecast_dataset(generated_time_series(2000), {.target = "Oil"}); },
     {"generated(seed=2021) has no column 'Oil'", "series0", "OT"}},
    {"EttMultiToOneNeedsTheTargetLast",
     [] {
       make_forecast_dataset(
           indexed_table(15000, {"index", "OT"}),
           {.features = FeatureMode::MS, .target = "index", .split = SplitRule::EttHour});
     },
     {"indexed.csv", "'index' must be the last column"}},
    {"ZeroHorizon",
     [] { make_forecast_dataset(generated_time_series(2000), {.horizon = 0}); },
     {"lookback and horizon must be at least 1"}},
    {"WindowOutOfRange",
     [] {
       const ForecastDataset data = make_forecast_dataset(generated_time_series(2000), {});
       data.test.batch({0, data.test.windows()});
     },
     {"ForecastSplit::batch: window 305 is outside 0 .. 304"}},
    {"FeatureMode", [] { parse_feature_mode("SM"); }, {"'SM' is not a feature mode"}},
};

class ForecastDataBadProtocol : public ::testing::TestWithParam<BadCall> {};

TEST_P(ForecastDataBadProtocol, ThrowsKilnErrorNamingTheSource) {
  expect_kiln_error(GetParam());
}

INSTANTIATE_TEST_SUITE_P(ForecastData, ForecastDataBadProtocol, ::testing::ValuesIn(bad_protocol),
                         [](const ::testing::TestParamInfo<BadCall>& info) {
                           return info.param.name;
                         });

TEST(ForecastData, FeatureModesAndSplitRulesByName) {
  for (const char* name : {"M", "S", "MS"})
    EXPECT_STREQ(feature_mode_name(parse_feature_mode(name)), name);
  EXPECT_EQ(split_rule_for("../shared/data/ett/ETTh2.csv"), SplitRule::EttHour);
  EXPECT_EQ(split_rule_for("ETTm1.csv"), SplitRule::EttMinute);
  EXPECT_EQ(split_rule_for("data/weather.csv"), SplitRule::Ratio);
  EXPECT_EQ(split_rule_for("generated(seed=2021)"), SplitRule::Ratio);
}

TEST(ForecastData, GeneratedSeriesComeFromTheSeed) {
  const TimeSeriesTable first = generated_time_series(500, 4, 7);
  EXPECT_EQ(first.rows(), 500);
  EXPECT_EQ(first.columns, (std::vector<std::string>{"series0", "series1", "series2", "OT"}));
  EXPECT_EQ(first.source, "generated(seed=7)");
  EXPECT_EQ(first.timestamps[25] - first.timestamps[0], hours(25));
  EXPECT_EQ(first.values, generated_time_series(500, 4, 7).values);
  EXPECT_NE(first.values, generated_time_series(500, 4, 8).values);
  // A daily season: values a day apart are closer than values half a day apart.
  double day_apart = 0, half_day_apart = 0;
  for (int64_t t = 0; t + 24 < first.rows(); ++t) {
    day_apart += std::abs(first.values[(t + 24) * 4] - first.values[t * 4]);
    half_day_apart += std::abs(first.values[(t + 12) * 4] - first.values[t * 4]);
  }
  EXPECT_LT(day_apart, half_day_apart);
  // The default size is ETTh1's, and it windows like ETTh1 under the ratio rule.
  const ForecastDataset data = make_forecast_dataset(generated_time_series(), {});
  EXPECT_EQ(data.train.windows(), 12194 - 96 - 96 + 1);  // int(17420 * 0.7)
  EXPECT_EQ(data.channels.size(), 7u);
}

}  // namespace
}  // namespace kiln::models
