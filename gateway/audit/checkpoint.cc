#include "gateway/audit/checkpoint.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "gateway/audit/body_json.h"
#include "gateway/audit/key_file.h"
#include "gateway/common/strict_json.h"

namespace isagw::audit {
namespace {

constexpr std::string_view kDomain = "isagw.audit.checkpoint/1";
constexpr std::string_view kExportFormat = "isagw.audit.signed_head/1";

void Put64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void PutHash(std::string& out, const ChainHash& hash) { out.append(BytesOf(hash)); }

}  // namespace

std::string SignedMessage(std::int64_t seq, const ChainHash& head_hash, model::Timestamp at,
                          const ChainHash& prev_hash) {
  std::string out(kDomain);
  Put64(out, static_cast<std::uint64_t>(seq));
  PutHash(out, head_hash);
  Put64(out, static_cast<std::uint64_t>(at.time_since_epoch().count()));
  PutHash(out, prev_hash);
  return out;
}

SignedHead SignHead(const CheckpointSigner& signer, std::int64_t seq, const ChainHash& head_hash,
                    model::Timestamp at, const ChainHash& prev_hash) {
  SignedHead head;
  head.seq = seq;
  head.head_hash = head_hash;
  head.at = at;
  head.prev_hash = prev_hash;
  head.public_key = signer.public_key();
  head.signature = signer.Sign(SignedMessage(seq, head_hash, at, prev_hash));
  return head;
}

bool SignatureValid(const SignedHead& head) {
  return SignatureValid(head.public_key,
                        SignedMessage(head.seq, head.head_hash, head.at, head.prev_hash),
                        head.signature);
}

ChainHash CheckpointHash(const SignedHead& head) {
  const std::string message = SignedMessage(head.seq, head.head_hash, head.at, head.prev_hash);
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, ChainHash{}.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                            message.size());
  crypto_generichash_update(&state, head.signature.data(), head.signature.size());
  ChainHash out{};
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

std::string ExportSignedHead(const SignedHead& head) {
  nlohmann::json body = {{"format", kExportFormat},
                         {"seq", head.seq},
                         {"head_hash", ToHex(head.head_hash)},
                         {"at", model::FormatTimestamp(head.at)},
                         {"prev_hash", ToHex(head.prev_hash)},
                         {"public_key", PublicKeyText(head.public_key)},
                         {"signature", Base64Of(head.signature.data(), head.signature.size())}};
  return body.dump(2) + "\n";
}

Result<SignedHead, FieldErrors> ParseSignedHead(std::string_view json) {
  auto parsed = ParseStrictJson(json, JsonLimits{64 * 1024, 4});
  if (!parsed.ok()) return Fail(std::move(parsed).error());
  if (!parsed->is_object()) return Fail(FieldErrors{{"", "type", "must be a JSON object"}});
  FieldErrors errors;
  BodyReader read(*parsed, "", errors);
  for (const auto& [key, value] : parsed->items()) {
    if (key != "format" && key != "seq" && key != "head_hash" && key != "at" &&
        key != "prev_hash" && key != "public_key" && key != "signature") {
      errors.push_back({JoinPointer("", key), "unknown_field", "not a signed head member"});
    }
  }
  SignedHead head;
  if (auto seq = read.Integer("seq")) {
    if (*seq < 1) errors.push_back({"/seq", "range", "must be 1 or more"});
    head.seq = *seq;
  }
  // Reads a text member and converts it; a missing or mistyped member is
  // reported by the reader, a malformed one here.
  const auto convert = [&](std::string_view key, const char* code, const char* reason,
                           auto&& take) {
    const std::size_t before = errors.size();
    const std::string text = read.Text(key);
    if (errors.size() == before && !take(text)) {
      errors.push_back({read.Pointer(key), code, reason});
    }
  };
  const auto hash_into = [](ChainHash& out) {
    return [&out](const std::string& text) {
      auto value = ChainHashFromHex(text);
      if (value) out = *value;
      return value.has_value();
    };
  };
  convert("format", "enum", "must be isagw.audit.signed_head/1",
          [](const std::string& text) { return text == kExportFormat; });
  convert("head_hash", "pattern", "must be 64 hex digits", hash_into(head.head_hash));
  convert("prev_hash", "pattern", "must be 64 hex digits", hash_into(head.prev_hash));
  convert("at", "datetime", "must be an RFC 3339 timestamp", [&](const std::string& text) {
    auto at = model::ParseRfc3339(text);
    if (at) head.at = *at;
    return at.has_value();
  });
  convert("public_key", "pattern", "must be a 32-byte key in base64", [&](const std::string& text) {
    auto key = ParsePublicKey(text);
    if (key) head.public_key = *key;
    return key.has_value();
  });
  convert("signature", "pattern", "must be a 64-byte signature in base64",
          [&](const std::string& text) {
            return FromBase64(text, head.signature.data(), head.signature.size());
          });
  if (!errors.empty()) return Fail(std::move(errors));
  return head;
}

}  // namespace isagw::audit
