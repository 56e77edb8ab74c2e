#include "cluster/peer_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "cluster/testing/fake_rng.h"

namespace repram::cluster {
namespace {

// Random inserts and erases against a std::map: every id stays findable with its own record
// (the backward-shift deletion keeps probe runs intact), and enclave names are shared and
// forgotten with their last user.
TEST(PeerTableTest, MatchesAMapUnderRandomInsertsAndErases) {
  PeerTable table;
  std::map<std::string, std::string> reference;  // id -> address
  testing::SeededRng rng(3);
  for (int step = 0; step < 20'000; ++step) {
    const std::string id = "node-" + std::to_string(rng.Below(600));
    if (rng.Below(3) == 0) {
      EXPECT_EQ(table.Erase(id), reference.erase(id) == 1) << id;
    } else if (!reference.contains(id)) {
      const std::string address = "10.0.0." + std::to_string(step % 250);
      PeerEntry& entry = table.Insert(PeerEntry{.id = id, .address = address});
      entry.enclave = table.Intern(step % 2 == 0 ? "even" : "odd");
      reference[id] = address;
    }
    ASSERT_EQ(table.size(), reference.size());
  }
  for (const auto& [id, address] : reference) {
    const PeerEntry* entry = table.Find(id);
    ASSERT_NE(entry, nullptr) << id;
    EXPECT_EQ(entry->address, address);
  }
  EXPECT_EQ(table.Find("node-600"), nullptr);
  const std::vector<uint32_t> order = table.SortedById();
  ASSERT_EQ(order.size(), reference.size());
  auto it = reference.begin();
  for (uint32_t i : order) EXPECT_EQ(table.entries()[i].id, (it++)->first);
}

TEST(PeerTableTest, InternsEachEnclaveOnceAndForgetsItWithItsLastUser) {
  PeerTable table;
  const std::string* a = table.Intern("e1");
  EXPECT_EQ(table.Intern("e1"), a);  // two users
  table.Release(a);
  EXPECT_EQ(table.Intern("e1"), a);  // one user was left: still the same name
  EXPECT_NE(table.Intern("e2"), a);
  table.Release(a);
  table.Release(a);  // the last user: forgotten
  PeerEntry& entry = table.Insert(PeerEntry{.id = "x", .address = "h"});
  entry.enclave = table.Intern("e1");
  EXPECT_EQ(*entry.enclave, "e1");
  EXPECT_TRUE(table.Erase("x"));
  EXPECT_FALSE(table.Erase("x"));
}

}  // namespace
}  // namespace repram::cluster
