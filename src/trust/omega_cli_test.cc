#include "trust/omega_cli.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "trust/testing/omega_vectors.h"
#include "trust/testing/temp_dir.h"
#include "util/fake_clock.h"

namespace repram::trust {
namespace {

using testing::OmegaVectors;
using testing::ScopedTempDir;

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

class OmegaCliTest : public ::testing::Test {
 protected:
  CliRun Run(std::vector<std::string> args, const std::string& stdin_text = "") {
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    const int code = RunOmegaCli(args, in, out, err, clock_);
    return {code, out.str(), err.str()};
  }
  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = tmp_.path() + "/" + name;
    std::ofstream(path) << content;
    return path;
  }

  FakeClock clock_;
  ScopedTempDir tmp_;
};

TEST_F(OmegaCliTest, NoArgumentsPrintsUsageToStderr) {
  const CliRun r = Run({});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      r.err.rfind("repram-omega \u2014 operator tool for REPRAM signed root lists\n\nUsage:\n", 0),
      0u);
}

TEST_F(OmegaCliTest, HelpPrintsUsageToStdout) {
  for (const char* help : {"-h", "--help", "help"}) {
    const CliRun r = Run({help});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("  repram-omega keygen --out-private <path> --out-public <path>\n"),
              std::string::npos);
    EXPECT_EQ(r.err, "");
  }
}

TEST_F(OmegaCliTest, UnknownSubcommandIsAUsageError) {
  const CliRun r = Run({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("unknown subcommand: frobnicate\n\nrepram-omega \u2014", 0), 0u);
}

TEST_F(OmegaCliTest, SignReproducesTheV1Record) {
  const std::string key =
      WriteFile("k", OmegaVectors()["key"]["private_key_file_content"].get<std::string>());
  const CliRun r = Run({"sign", "--key", key, "--now", "1800000000", "--expires-in", "100000000",
                        "--nodes", "root-c.example:9090,root-a.example:9090,root-b.example:9090"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, OmegaVectors()["records"][0]["txt_record"].get<std::string>() + "\n");
  EXPECT_EQ(r.err,
            "\nTo publish:\n"
            "  1. Paste the line above as the value of the _omega.repram.io TXT record.\n"
            "  2. Verify propagation with: dig TXT _omega.repram.io\n"
            "  3. This record expires at 2030-03-17T17:46:40Z UTC.\n");
}

TEST_F(OmegaCliTest, SignAcceptsGoStyleSingleDashFlags) {
  const std::string key =
      WriteFile("k", OmegaVectors()["key"]["private_key_file_content"].get<std::string>());
  const CliRun r =
      Run({"sign", "-key=" + key, "-now", "1800000000", "--expires-in=100000000", "-nodes",
           " root-a.example:9090 ,, root-b.example:9090,root-c.example:9090"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, OmegaVectors()["records"][0]["txt_record"].get<std::string>() + "\n");
}

TEST_F(OmegaCliTest, SignReportsFlagErrors) {
  const std::string key =
      WriteFile("k", OmegaVectors()["key"]["private_key_file_content"].get<std::string>());
  EXPECT_EQ(Run({"sign", "--expires-in", "1h", "--nodes", "a"}).err, "sign: --key is required\n");
  EXPECT_EQ(Run({"sign", "--key", key, "--nodes", "a"}).err,
            "sign: --expires-in must be positive (e.g. 24h)\n");
  EXPECT_EQ(Run({"sign", "--key", key, "--expires-in", "0", "--nodes", "a"}).err,
            "sign: --expires-in must be positive (e.g. 24h)\n");
  EXPECT_EQ(Run({"sign", "--key", key, "--expires-in", "1.5h", "--nodes", "a"}).err,
            "sign: invalid value \"1.5h\" for flag -expires-in: parse error\n");
  EXPECT_EQ(Run({"sign", "--key", key, "--expires-in", "1h", "--nodes", " , "}).err,
            "sign: --nodes is required\n");
  EXPECT_EQ(Run({"sign", "--key", key, "--expires-in", "1h", "--nodes", "a", "--now", "x"}).err,
            "sign: invalid value \"x\" for flag -now: parse error\n");
  const CliRun unknown = Run({"sign", "--bogus", "1"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_EQ(unknown.err.rfind("sign: ", 0), 0u);
}

TEST_F(OmegaCliTest, SignReportsKeyFileErrors) {
  auto sign_with = [&](const std::string& path) {
    return Run({"sign", "--key", path, "--expires-in", "1h", "--nodes", "a:1"}).err;
  };
  EXPECT_EQ(sign_with(tmp_.path() + "/missing"),
            "sign: read key: open " + tmp_.path() + "/missing: no such file or directory\n");
  EXPECT_EQ(sign_with(WriteFile("bad", "not base64")),
            "sign: decode private key: illegal base64 data\n");
  EXPECT_EQ(sign_with(WriteFile("short", "AAAA\n")),
            "sign: private key has wrong length: got 3 want 64\n");
  std::string mismatched = OmegaVectors()["key"]["private_key_file_content"].get<std::string>();
  mismatched[50] = mismatched[50] == 'A' ? 'B' : 'A';
  EXPECT_EQ(sign_with(WriteFile("mismatch", mismatched)),
            "sign: private key is inconsistent: public half does not match seed\n");
}

TEST_F(OmegaCliTest, VerifyPrintsNodesInCanonicalOrder) {
  const std::string record = OmegaVectors()["records"][0]["txt_record"].get<std::string>();
  const CliRun r =
      Run({"verify", "--pubkey", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "--record", record,
           "--now", "1800000000"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Valid omega-v1 signed root list.\n"
            "Expires: 2030-03-17T17:46:40Z\n"
            "Nodes (3):\n"
            "  root-a.example:9090\n"
            "  root-b.example:9090\n"
            "  root-c.example:9090\n");
}

TEST_F(OmegaCliTest, VerifyReadsKeyFileAndRecordFromStdin) {
  const std::string pub = WriteFile("pub", OmegaVectors()["key"]["public_key_file_content"]);
  const std::string record = OmegaVectors()["records"][2]["txt_record"].get<std::string>();
  const CliRun r = Run({"verify", "--pubkey-file", pub, "--now", "1800000000"}, record + "\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Nodes (4):\n  10.0.0.2:8080\n  A.example:8080\n"), std::string::npos);
}

TEST_F(OmegaCliTest, VerifyUsesTheClockByDefault) {
  const std::string record = OmegaVectors()["records"][1]["txt_record"].get<std::string>();
  const CliRun r = Run(
      {"verify", "--pubkey", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "--record", record});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.rfind("verify: trust: signed list has expired: exp=1735693200 now=", 0), 0u);
}

TEST_F(OmegaCliTest, VerifyRejectsTheSmallOrderForgery) {
  const auto& f = OmegaVectors()["small_order_forgery"];
  const CliRun r = Run({"verify", "--pubkey", f["public_b64"].get<std::string>(), "--record",
                        f["txt_record"].get<std::string>(), "--now", "1800000000"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "verify: trust: omega pubkey is the placeholder or a small-order point\n");
}

TEST_F(OmegaCliTest, VerifyReportsKeyChoiceAndRecordErrors) {
  const std::string key = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
  EXPECT_EQ(Run({"verify", "--record", "x"}).err,
            "verify: either --pubkey or --pubkey-file is required\n");
  EXPECT_EQ(Run({"verify", "--pubkey", key, "--pubkey-file", "f", "--record", "x"}).err,
            "verify: either --pubkey or --pubkey-file is required\n");
  EXPECT_EQ(Run({"verify", "--pubkey", "AAAA", "--record", "x"}).err,
            "verify: trust: omega pubkey has wrong length: got 3 want 32\n");
  EXPECT_EQ(Run({"verify", "--pubkey", key, "--record", "v=omega-v1;garbage"}).err,
            "verify: trust: signed list has malformed field: \"garbage\"\n");
  EXPECT_EQ(Run({"verify", "--pubkey", key}, "").err,
            "verify: trust: signed list has malformed field: empty record\n");
}

TEST_F(OmegaCliTest, KeygenRequiresBothPaths) {
  const CliRun r = Run({"keygen", "--out-private", tmp_.path() + "/k"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--out-public"), std::string::npos);  // the flag summary
  const std::string last_line = "\nkeygen: both --out-private and --out-public are required\n";
  ASSERT_GT(r.err.size(), last_line.size());
  EXPECT_EQ(r.err.substr(r.err.size() - last_line.size()), last_line);
}

TEST_F(OmegaCliTest, KeygenWritesAKeyPairThatSignsAndVerifies) {
  const std::string priv = tmp_.path() + "/omega.key", pub = tmp_.path() + "/omega.pub";
  const CliRun k = Run({"keygen", "--out-private", priv, "--out-public", pub});
  ASSERT_EQ(k.code, 0) << k.err;
  std::ifstream pub_in(pub);
  std::string pub_b64;
  std::getline(pub_in, pub_b64);
  EXPECT_EQ(k.out.rfind("Generated Ed25519 keypair.\nPublic key: " + pub_b64 + "\n", 0), 0u);
  const CliRun s = Run({"sign", "--key", priv, "--expires-in", "24h", "--nodes", "a:1"});
  ASSERT_EQ(s.code, 0) << s.err;
  const CliRun v = Run({"verify", "--pubkey", pub_b64, "--record", s.out});
  EXPECT_EQ(v.code, 0) << v.err;
}

TEST_F(OmegaCliTest, KeygenRefusesToOverwrite) {
  const std::string existing = WriteFile("existing", "keep me");
  const CliRun r = Run({"keygen", "--out-private", existing, "--out-public", tmp_.path() + "/p"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "keygen: write private key: " + existing + ": file exists\n");
  struct stat st {};
  EXPECT_NE(stat((tmp_.path() + "/p").c_str(), &st), 0);  // nothing written
  const CliRun r2 = Run({"keygen", "--out-private", tmp_.path() + "/q", "--out-public", existing});
  EXPECT_EQ(r2.err, "keygen: write public key: " + existing + ": file exists\n");
  EXPECT_NE(stat((tmp_.path() + "/q").c_str(), &st), 0);
}

}  // namespace
}  // namespace repram::trust
