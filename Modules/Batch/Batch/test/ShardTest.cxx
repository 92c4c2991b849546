#include "skipseg/batch/Shard.h"

#include "skipseg/core/Error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace skipseg::batch {
namespace {

std::vector<CaseSpec> makeCases(int count) {
  std::vector<CaseSpec> cases;
  for (int i = 0; i < count; ++i) {
    cases.push_back(CaseSpec{"case" + std::to_string(i), "/data/" + std::to_string(i) + ".nii.gz", ""});
  }
  return cases;
}

TEST(Shard, ShardsAreDisjointAndTogetherHoldEveryCase) {
  const auto cases = makeCases(200);
  for (const int count : {1, 2, 3, 4, 7, 16}) {
    std::map<std::string, int> timesSeen;
    for (int index = 0; index < count; ++index) {
      for (const auto& spec : selectShard(cases, Shard{index, count})) {
        ++timesSeen[spec.id];
      }
    }
    ASSERT_EQ(timesSeen.size(), cases.size()) << count << " shards";
    for (const auto& [id, times] : timesSeen) {
      EXPECT_EQ(times, 1) << id << " with " << count << " shards";
    }
  }
}

TEST(Shard, ACasesShardDoesNotDependOnTheOrderOrTheOtherCases) {
  auto cases = makeCases(50);
  const auto before = selectShard(cases, Shard{1, 4});
  std::shuffle(cases.begin(), cases.end(), std::mt19937(7));
  cases.resize(30);  // fewer cases (as a listing taken later might hold more or fewer)
  for (const auto& spec : selectShard(cases, Shard{1, 4})) {
    EXPECT_TRUE(std::any_of(before.begin(), before.end(), [&](const CaseSpec& s) { return s.id == spec.id; }))
        << spec.id;
  }
}

TEST(Shard, ShardsAreRoughlyBalanced) {
  const auto cases = makeCases(4000);
  for (int index = 0; index < 4; ++index) {
    const auto size = selectShard(cases, Shard{index, 4}).size();
    EXPECT_GT(size, 850u);  // 1000 +- 5 standard deviations (~27)
    EXPECT_LT(size, 1150u);
  }
}

TEST(Shard, ParsesKOverNAndRejectsTheRest) {
  const Shard shard = parseShard("3/8");
  EXPECT_EQ(shard.index, 3);
  EXPECT_EQ(shard.count, 8);
  EXPECT_EQ(shard.text(), "3/8");
  for (const std::string bad : {"4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", "", "1/"}) {
    try {
      parseShard(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ExitCode::Usage);
      EXPECT_EQ(std::string(error.what()), "--shard expects K/N with 0 <= K < N (e.g. 0/4), not \"" + bad + "\"");
    }
  }
}

}  // namespace
}  // namespace skipseg::batch
