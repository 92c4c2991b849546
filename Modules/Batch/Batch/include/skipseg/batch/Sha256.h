#pragma once
// SHA-256 through OpenSSL's EVP interface (libcrypto). A hand-written SHA-256 ran at about a quarter of
// OpenSSL's speed here (OpenSSL uses the CPU's SHA extensions); the difference is seconds per run for a
// model fingerprint and hours for --input-fingerprint content over an archive. libcrypto comes with
// libssl-dev, which ITK's HDF5 already pulls in. OpenSSL stays out of this header.
#include <cstddef>
#include <string>

struct evp_md_ctx_st;

namespace skipseg::batch {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(const std::string& text) { update(text.data(), text.size()); }
  /// Finishes the digest and returns it as 64 lowercase hex digits; the object must not be updated afterwards.
  std::string hexDigest();

 private:
  evp_md_ctx_st* context_;
};

/// SHA-256 of a string, as hex.
std::string sha256Hex(const std::string& data);

/// Feeds a whole file into `hash`; throws BadInput naming the file when it cannot be read.
void hashFileContents(Sha256& hash, const std::string& path);

}  // namespace skipseg::batch
