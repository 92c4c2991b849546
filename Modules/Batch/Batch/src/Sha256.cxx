#include "skipseg/batch/Sha256.h"

#include "skipseg/core/Error.h"

#include <openssl/evp.h>

#include <fstream>
#include <vector>

namespace skipseg::batch {

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr || EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(context_);
    throw internalError("OpenSSL cannot start a SHA-256 digest");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(context_);
}

void Sha256::update(const void* data, std::size_t size) {
  if (size > 0 && EVP_DigestUpdate(context_, data, size) != 1) {
    throw internalError("OpenSSL SHA-256 update failed");
  }
}

std::string Sha256::hexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_, digest, &length) != 1) {
    throw internalError("OpenSSL SHA-256 final failed");
  }
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

std::string sha256Hex(const std::string& data) {
  Sha256 hash;
  hash.update(data);
  return hash.hexDigest();
}

void hashFileContents(Sha256& hash, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw badInput(path, "cannot read");
  }
  std::vector<char> chunk(1 << 20);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    hash.update(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    throw badInput(path, "read error");
  }
}

}  // namespace skipseg::batch
