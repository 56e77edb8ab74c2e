#include "trust/omega_cli.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>

#include "trust/expires_in.h"
#include "trust/omega_key.h"
#include "trust/signed_list.h"
#include "trust/sodium_ready.h"
#include "trust/unix_time.h"
#include "trust/verify.h"
#include "util/base64.h"
#include "util/rfc3339.h"
#include "util/status.h"
#include "util/strings.h"

namespace repram::trust {
namespace {

constexpr std::string_view kUsage =
    "repram-omega \u2014 operator tool for REPRAM signed root lists\n"
    "\n"
    "Usage:\n"
    "  repram-omega keygen --out-private <path> --out-public <path>\n"
    "  repram-omega sign --key <path> --version <id> --expires-in <seconds> --nodes <csv>\n"
    "  repram-omega verify (--pubkey <base64> | --pubkey-file <path>) [--record <txt> | "
    "--record-file <path>] [--now <unix-seconds>]\n";

Status CliError(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

// Returns strerror(err) with a lower-case first letter, as Go prints system errors.
std::string ErrnoText(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

Status FlagParseError(std::string_view flag, std::string_view value) {
  return CliError("invalid value " + GoQuote(value) + " for flag -" + std::string(flag) +
                  ": parse error");
}

Result<std::string> ReadFileText(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return CliError("open " + path + ": " + ErrnoText(errno));
  std::string content;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      close(fd);
      return CliError("read " + path + ": " + ErrnoText(e));
    }
    content.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return content;
}

// Creates path exclusively with exactly mode (umask does not apply) and writes content.
Status WriteNewFile(const std::string& path, std::string_view content, mode_t mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return CliError(path + ": " + ErrnoText(errno));
  bool ok = fchmod(fd, mode) == 0;
  while (ok && !content.empty()) {
    const ssize_t n = write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) content.remove_prefix(static_cast<size_t>(n));
  }
  const int e = errno;
  if (close(fd) != 0 && ok) return CliError(path + ": " + ErrnoText(errno));
  if (ok) return Status::Ok();
  unlink(path.c_str());
  return CliError(path + ": " + ErrnoText(e));
}

Result<int64_t> ParseNow(const std::string& value, const Clock& clock) {
  if (value.empty()) return UnixSeconds(clock.WallNow());
  const std::optional<int64_t> now = ParseStrictInt(value);
  if (!now) return FlagParseError("now", value);
  return *now;
}

// One subcommand's flag parser: CLI11 with Go flag-package spellings. CLI11 accepts "--name v"
// and "--name=v" but not Go's single-dash long form ("-name v", "-name=v"), so Parse rewrites a
// single-dash argument naming one of the declared flags to the double-dash form first.
class FlagSet {
 public:
  explicit FlagSet(const std::string& name) : app_("", "repram-omega " + name) {
    app_.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  // Declares --name taking one value, stored in *value.
  void Add(const std::string& name, std::string* value, const std::string& help) {
    app_.add_option("--" + name, *value, help);
    names_.push_back(name);
  }
  // Parses args. Returns 0 to continue, or the exit code after printing help (0) or an error (1).
  std::optional<int> Parse(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err, std::string_view subcommand) {
    std::vector<std::string> reversed;
    for (auto it = args.rbegin(); it != args.rend(); ++it) reversed.push_back(Normalize(*it));
    try {
      app_.parse(reversed);
    } catch (const CLI::CallForHelp&) {
      out << app_.help();
      return 0;
    } catch (const CLI::ParseError& e) {
      err << subcommand << ": " << e.what() << "\n";
      return 1;
    }
    return std::nullopt;
  }
  std::string Help() const { return app_.help(); }
  bool Given(const std::string& name) const { return app_.count("--" + name) > 0; }

 private:
  std::string Normalize(const std::string& arg) const {
    if (arg.size() < 3 || arg[0] != '-' || arg[1] == '-') return arg;
    const std::string name = arg.substr(1, arg.find('=') - 1);
    const bool known = std::find(names_.begin(), names_.end(), name) != names_.end();
    return known ? "-" + arg : arg;
  }

  CLI::App app_;
  std::vector<std::string> names_ = {"help"};  // "-help" → CLI11's "--help"
};

int Fail(std::ostream& err, std::string_view subcommand, const Status& status) {
  err << subcommand << ": " << status.message() << "\n";
  return 1;
}

int Keygen(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string private_path, public_path;
  FlagSet flags("keygen");
  flags.Add("out-private", &private_path, "path for the private key (written with mode 0600)");
  flags.Add("out-public", &public_path, "path for the public key (written with mode 0644)");
  if (std::optional<int> code = flags.Parse(args, out, err, "keygen")) return *code;
  if (private_path.empty() || public_path.empty()) {
    err << flags.Help();
    return Fail(err, "keygen", CliError("both --out-private and --out-public are required"));
  }
  struct stat st {};
  if (lstat(private_path.c_str(), &st) == 0) {
    return Fail(err, "keygen", CliError("write private key: " + private_path + ": file exists"));
  }
  if (lstat(public_path.c_str(), &st) == 0) {
    return Fail(err, "keygen", CliError("write public key: " + public_path + ": file exists"));
  }
  if (!SodiumReady()) {
    return Fail(err, "keygen", CliError("generate keypair: libsodium initialisation failed"));
  }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];  // libsodium layout: seed(32) || public(32)
  if (crypto_sign_keypair(pk, sk) != 0) {
    return Fail(err, "keygen", CliError("generate keypair: crypto_sign_keypair failed"));
  }
  const std::string public_b64 =
      EncodeBase64(std::string_view(reinterpret_cast<const char*>(pk), sizeof(pk)));
  std::string private_b64 =
      EncodeBase64(std::string_view(reinterpret_cast<const char*>(sk), sizeof(sk)));
  sodium_memzero(sk, sizeof(sk));
  Status written = WriteNewFile(private_path, private_b64 + "\n", 0600);
  sodium_memzero(private_b64.data(), private_b64.size());
  if (!written.ok()) {
    return Fail(err, "keygen", CliError("write private key: " + written.message()));
  }
  if (written = WriteNewFile(public_path, public_b64 + "\n", 0644); !written.ok()) {
    unlink(private_path.c_str());  // so that a retry is not refused by the half-written pair
    return Fail(err, "keygen", CliError("write public key: " + written.message()));
  }
  out << "Generated Ed25519 keypair.\n"
      << "Public key: " << public_b64 << "\n"
      << "Private key written to " << private_path << " (mode 0600)\n"
      << "Public key written to " << public_path << "\n"
      << "\n"
      << "Next steps:\n"
      << "  1. Bake the public key into internal/trust/omega.go (OmegaPubkey)\n"
      << "     and repram-mcp/src/node/trust/omega.ts (OMEGA_PUBKEY).\n"
      << "  2. Store " << private_path << " on your offline signing machine.\n"
      << "  3. Never transmit the private key over any network.\n";
  return 0;
}

Result<std::string> LoadSigningKey(const std::string& path) {
  Result<std::string> content = ReadFileText(path);
  if (!content.ok()) return CliError("read key: " + content.status().message());
  std::optional<std::string> raw = DecodeBase64Strict(TrimSpace(*content));
  if (!raw) return CliError("decode private key: illegal base64 data");
  if (raw->size() != crypto_sign_SECRETKEYBYTES) {
    return CliError("private key has wrong length: got " + std::to_string(raw->size()) +
                    " want 64");
  }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(raw->data()));
  sodium_memzero(sk, sizeof(sk));
  if (sodium_memcmp(pk, raw->data() + crypto_sign_SEEDBYTES, sizeof(pk)) != 0) {
    return CliError("private key is inconsistent: public half does not match seed");
  }
  return std::move(*raw);
}

int Sign(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
         const Clock& clock) {
  std::string key_path, version(kOmegaVersion), expires_text, nodes_csv, now_text;
  FlagSet flags("sign");
  flags.Add("key", &key_path, "path to the private key file");
  flags.Add("version", &version, "record version (default omega-v1)");
  flags.Add("expires-in", &expires_text, "lifetime: seconds (3600) or durations (90m, 24h, 7d)");
  flags.Add("nodes", &nodes_csv, "comma-separated host:http_port root entries");
  flags.Add("now", &now_text, "Unix seconds to sign at (default: current time)");
  if (std::optional<int> code = flags.Parse(args, out, err, "sign")) return *code;

  int64_t expires_in = 0;
  if (flags.Given("expires-in")) {
    const std::optional<int64_t> parsed = ParseExpiresIn(expires_text);
    if (!parsed) return Fail(err, "sign", FlagParseError("expires-in", expires_text));
    expires_in = *parsed;
  }
  const Result<int64_t> now = ParseNow(now_text, clock);
  if (!now.ok()) return Fail(err, "sign", now.status());
  if (key_path.empty()) return Fail(err, "sign", CliError("--key is required"));
  if (expires_in <= 0) {
    return Fail(err, "sign", CliError("--expires-in must be positive (e.g. 24h)"));
  }
  SignedList list;
  list.version = version;
  for (size_t start = 0; start <= nodes_csv.size();) {
    const size_t comma = std::min(nodes_csv.find(',', start), nodes_csv.size());
    const std::string_view entry =
        TrimSpace(std::string_view(nodes_csv).substr(start, comma - start));
    if (!entry.empty()) list.nodes.emplace_back(entry);
    start = comma + 1;
  }
  if (list.nodes.empty()) return Fail(err, "sign", CliError("--nodes is required"));
  if (*now > std::numeric_limits<int64_t>::max() - expires_in) {
    return Fail(err, "sign", FlagParseError("expires-in", expires_text));
  }
  list.exp = *now + expires_in;

  Result<std::string> key = LoadSigningKey(key_path);
  if (!key.ok()) return Fail(err, "sign", key.status());
  const std::string payload = CanonicalPayload(list);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(payload.data()),
                       payload.size(), reinterpret_cast<const unsigned char*>(key->data()));
  sodium_memzero(key.value().data(), key->size());
  list.signature.assign(reinterpret_cast<const char*>(sig), sizeof(sig));

  out << FormatSignedRecord(list) << "\n";
  err << "\n"
      << "To publish:\n"
      << "  1. Paste the line above as the value of the _omega.repram.io TXT record.\n"
      << "  2. Verify propagation with: dig TXT _omega.repram.io\n"
      << "  3. This record expires at " << FormatRfc3339Seconds(list.exp) << " UTC.\n";
  return 0;
}

int Verify(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
           std::ostream& err, const Clock& clock) {
  std::string pubkey, pubkey_file, record, record_file, now_text;
  FlagSet flags("verify");
  flags.Add("pubkey", &pubkey, "omega public key, std base64");
  flags.Add("pubkey-file", &pubkey_file, "file holding the omega public key");
  flags.Add("record", &record, "the TXT record text");
  flags.Add("record-file", &record_file, "file holding the TXT record text (default: stdin)");
  flags.Add("now", &now_text, "Unix seconds to verify at (default: current time)");
  if (std::optional<int> code = flags.Parse(args, out, err, "verify")) return *code;

  const Result<int64_t> now = ParseNow(now_text, clock);
  if (!now.ok()) return Fail(err, "verify", now.status());
  if (flags.Given("pubkey") == flags.Given("pubkey-file")) {
    return Fail(err, "verify", CliError("either --pubkey or --pubkey-file is required"));
  }
  if (flags.Given("pubkey-file")) {
    Result<std::string> content = ReadFileText(pubkey_file);
    if (!content.ok())
      return Fail(err, "verify", CliError("read pubkey: " + content.status().message()));
    pubkey = TrimSpace(*content);
  }
  const Result<OmegaKey> key = ValidateOmegaPubkey(pubkey);
  if (!key.ok()) return Fail(err, "verify", key.status());

  if (flags.Given("record") && flags.Given("record-file")) {
    return Fail(err, "verify", CliError("--record and --record-file are mutually exclusive"));
  }
  if (flags.Given("record-file")) {
    Result<std::string> content = ReadFileText(record_file);
    if (!content.ok())
      return Fail(err, "verify", CliError("read record: " + content.status().message()));
    record = *content;
  } else if (!flags.Given("record")) {
    record.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  Result<SignedList> list = ParseSignedList(TrimSpace(record));
  if (!list.ok()) return Fail(err, "verify", list.status());
  if (Status s = VerifySignedList(*list, key->bytes, *now); !s.ok()) return Fail(err, "verify", s);

  std::vector<std::string> nodes = list->nodes;
  std::sort(nodes.begin(), nodes.end());
  out << "Valid " << list->version << " signed root list.\n"
      << "Expires: " << FormatRfc3339Seconds(list->exp) << "\n"
      << "Nodes (" << nodes.size() << "):\n";
  for (const std::string& node : nodes) out << "  " << node << "\n";
  return 0;
}

}  // namespace

int RunOmegaCli(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err, const Clock& clock) {
  if (args.empty()) {
    err << kUsage;
    return 2;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "-h" || command == "--help" || command == "help") {
    out << kUsage;
    return 0;
  }
  if (command == "keygen") return Keygen(rest, out, err);
  if (command == "sign") return Sign(rest, out, err, clock);
  if (command == "verify") return Verify(rest, in, out, err, clock);
  err << "unknown subcommand: " << command << "\n\n" << kUsage;
  return 2;
}

}  // namespace repram::trust
