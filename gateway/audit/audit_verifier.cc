#include "gateway/audit/audit_verifier.h"

#include <algorithm>

#include "gateway/audit/sqlite_audit_log.h"

namespace isagw::audit {
namespace {

std::string Seq(std::int64_t seq) { return std::to_string(seq); }

// Failures are reported in log order: by the entry involved, and at the same
// entry, the entry's own fault before a checkpoint's.
bool Earlier(const VerifyFailure& a, const VerifyFailure& b) {
  if (a.seq.has_value() != b.seq.has_value()) return a.seq.has_value();
  if (a.seq && *a.seq != *b.seq) return *a.seq < *b.seq;
  return !a.checkpoint.has_value() && b.checkpoint.has_value();
}

class Verifier {
 public:
  explicit Verifier(const VerifyOptions& options) : options_(options) {}

  VerifyReport Run(AuditLog& log) {
    // One snapshot: checkpoints and entries agree while the gateway goes on
    // appending.
    auto read = log.InSnapshot([&]() -> Result<Ok, AuditLogError> {
      auto rows = log.CheckpointRows();
      if (!rows.ok()) return Fail(rows.error());
      CheckCheckpoints(*rows);
      CheckExternalSignature();
      return log.ForEachEntry([this](const AuditRow& row) { return CheckEntry(row); });
    });
    if (!read.ok()) return Unreadable(read.error());
    CheckEnd();
    report_.failure = failure_;
    return report_;
  }

 private:
  struct Anchor {
    std::int64_t seq;
    ChainHash hash;
    std::int64_t checkpoint;
  };

  void Note(VerifyFailure failure) {
    if (!failure_ || Earlier(failure, *failure_)) failure_ = std::move(failure);
  }

  VerifyReport Unreadable(const AuditLogError& error) {
    report_.failure = VerifyFailure{std::nullopt, std::nullopt, "unreadable", error.detail};
    return report_;
  }

  bool Trusted(const PublicKey& key) const {
    return std::find(options_.trusted_keys.begin(), options_.trusted_keys.end(), key) !=
           options_.trusted_keys.end();
  }

  // Checkpoints are few (one per period): they are checked in memory first,
  // and the valid ones become anchors the entry walk must meet.
  void CheckCheckpoints(const std::vector<CheckpointRow>& rows) {
    report_.checkpoints = static_cast<std::int64_t>(rows.size());
    ChainHash previous = kGenesisHash;
    std::int64_t previous_seq = 0;
    std::int64_t expected_id = 1;
    for (const CheckpointRow& row : rows) {
      const auto fail = [&](const char* code, std::string reason) {
        Note({row.seq, row.id, code, "checkpoint " + Seq(row.id) + " " + reason});
      };
      if (row.id != expected_id) {
        Note({row.seq, expected_id, "checkpoint_sequence",
              "checkpoint " + Seq(expected_id) + " is missing (the next is " + Seq(row.id) + ")"});
        return;
      }
      const auto checkpoint = ToCheckpoint(row);
      if (!checkpoint) return fail("checkpoint_malformed", "has a column of the wrong size");
      const SignedHead& head = checkpoint->head;
      if (!Trusted(head.public_key)) {
        return fail("checkpoint_untrusted", "is signed by a key that is not trusted");
      }
      if (!SignatureValid(head)) return fail("checkpoint_signature", "has an invalid signature");
      if (head.prev_hash != previous) {
        return fail("checkpoint_chain", "does not chain to checkpoint " + Seq(row.id - 1));
      }
      if (head.seq <= previous_seq) {
        return fail("checkpoint_sequence", "does not sign a later entry than the one before");
      }
      anchors_.push_back({head.seq, head.head_hash, row.id});
      report_.last_signed_seq = head.seq;
      previous = CheckpointHash(head);
      previous_seq = head.seq;
      ++expected_id;
    }
  }

  void CheckExternalSignature() {
    if (!options_.external_head) return;
    const SignedHead& head = *options_.external_head;
    if (!Trusted(head.public_key)) {
      Note({head.seq, std::nullopt, "external_head_untrusted",
            "the signed head is signed by a key that is not trusted"});
    } else if (!SignatureValid(head)) {
      Note({head.seq, std::nullopt, "external_head_signature",
            "the signed head's signature is invalid"});
    }
  }

  bool CheckEntry(const AuditRow& row) {
    const std::int64_t expected = report_.last_seq + 1;
    const auto fail = [&](std::int64_t seq, const char* code, std::string reason) {
      Note({seq, std::nullopt, code, std::move(reason)});
      stopped_ = true;
      return false;
    };
    if (row.seq != expected) {
      return fail(expected, "sequence_gap",
                  row.seq > expected
                      ? "entry " + Seq(expected) + " is missing (the next is " + Seq(row.seq) + ")"
                      : "entry " + Seq(row.seq) + " is out of sequence where " + Seq(expected) +
                            " was expected");
    }
    const auto prev_hash = ChainHashFromBytes(row.prev_hash);
    const auto hash = ChainHashFromBytes(row.hash);
    if (!prev_hash || !hash) {
      return fail(row.seq, "malformed", "entry " + Seq(row.seq) + " has a hash of the wrong size");
    }
    if (*prev_hash != previous_) {
      return fail(row.seq, "prev_hash_mismatch",
                  "entry " + Seq(row.seq) + " does not carry the hash of the entry before it");
    }
    if (NextHash(previous_, row.seq, row.at, row.kind, row.body) != *hash) {
      return fail(row.seq, "hash_mismatch",
                  "entry " + Seq(row.seq) + " was changed: its hash does not recompute");
    }
    for (; next_anchor_ < anchors_.size() && anchors_[next_anchor_].seq == row.seq;
         ++next_anchor_) {
      const Anchor& anchor = anchors_[next_anchor_];
      if (anchor.hash != *hash) {
        Note({row.seq, anchor.checkpoint, "checkpoint_mismatch",
              "entries up to " + Seq(row.seq) + " differ from what checkpoint " +
                  Seq(anchor.checkpoint) + " signed"});
        stopped_ = true;
        return false;
      }
    }
    if (options_.external_head && options_.external_head->seq == row.seq &&
        options_.external_head->head_hash != *hash) {
      Note({row.seq, std::nullopt, "external_head_mismatch",
            "entries up to " + Seq(row.seq) + " differ from the signed head held outside"});
      stopped_ = true;
      return false;
    }
    previous_ = *hash;
    report_.last_seq = row.seq;
    ++report_.entries;
    // Past a failure, nothing can be told apart from its consequences.
    stopped_ = failure_ && failure_->seq && *failure_->seq <= row.seq;
    return !stopped_;
  }

  void CheckEnd() {
    const std::int64_t last = report_.last_seq;
    if (stopped_) return;  // a failure at or before `last` comes first anyway
    for (std::size_t i = next_anchor_; i < anchors_.size(); ++i) {
      if (anchors_[i].seq > last) {
        Note({last + 1, anchors_[i].checkpoint, "truncated",
              "the log ends at entry " + Seq(last) + " but checkpoint " +
                  Seq(anchors_[i].checkpoint) + " signed entry " + Seq(anchors_[i].seq)});
        break;
      }
    }
    if (options_.external_head && options_.external_head->seq > last) {
      Note({last + 1, std::nullopt, "truncated",
            "the log ends at entry " + Seq(last) + " but the signed head held outside is entry " +
                Seq(options_.external_head->seq)});
    }
    if (report_.last_signed_seq) {
      report_.unsigned_entries = std::max<std::int64_t>(0, last - *report_.last_signed_seq);
    } else {
      report_.unsigned_entries = last;
      if (options_.require_checkpoint && last > 0 && anchors_.empty()) {
        Note({std::nullopt, std::nullopt, "no_checkpoint",
              "no signed checkpoint covers the log: deletions at its end could not be seen"});
      }
    }
  }

  const VerifyOptions& options_;
  VerifyReport report_;
  std::optional<VerifyFailure> failure_;
  std::vector<Anchor> anchors_;
  std::size_t next_anchor_ = 0;
  bool stopped_ = false;  // the walk ended at a failure, not at the log's end
  ChainHash previous_ = kGenesisHash;
};

}  // namespace

VerifyReport VerifyAuditLog(AuditLog& log, const VerifyOptions& options) {
  return Verifier(options).Run(log);
}

VerifyReport VerifyAuditLog(const std::filesystem::path& store_path, const VerifyOptions& options) {
  auto log = SqliteAuditLog::Open(store_path);
  if (!log.ok()) {
    VerifyReport report;
    report.failure = VerifyFailure{std::nullopt, std::nullopt, "unreadable", log.error().detail};
    return report;
  }
  return VerifyAuditLog(*log, options);
}

}  // namespace isagw::audit
