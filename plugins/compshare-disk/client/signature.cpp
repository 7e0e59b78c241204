#include "signature.hpp"

// OpenSSL's low-level SHA1_* calls: EVP_Digest* would look the algorithm up on every call,
// which costs more than hashing the ~200 bytes of a request.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <Poco/JSON/Array.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace compshare {

namespace {

// Lowercase hex of a finished SHA-1 context; the context is wiped (it was fed the key).
std::string finish_hex(SHA_CTX& context) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1_Final(digest, &context);
    OPENSSL_cleanse(&context, sizeof context);
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex(2 * SHA_DIGEST_LENGTH, '0');
    for (std::size_t i = 0; i < SHA_DIGEST_LENGTH; ++i) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0x0F];
    }
    return hex;
}

std::string format_double(double value) {
    if (!std::isfinite(value))
        throw std::invalid_argument("a number is NaN or infinite");
    if (value == std::floor(value) && std::fabs(value) < 9.0e15) {
        return std::to_string(static_cast<long long>(value));  // 42.0 -> "42"
    }
    // Fixed notation with the fewest digits that read back as the same double (Go's
    // FormatFloat(v, 'f', -1, 64)).
    char buf[512];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    if (res.ec != std::errc())
        throw std::invalid_argument("cannot format a number");
    return std::string(buf, res.ptr);
}

void flatten_into(const std::string& key, const Poco::Dynamic::Var& value, flat_params& out) {
    if (value.isEmpty())
        return;  // JSON null: left out, as the SDKs do
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        const auto object = value.extract<Poco::JSON::Object::Ptr>();
        for (const auto& [name, member] : *object)
            flatten_into(key + "." + name, member, out);
        return;
    }
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        const auto array = value.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i) {
            flatten_into(key + "." + std::to_string(i), array->get(static_cast<unsigned>(i)), out);
        }
        return;
    }
    out[key] = stringify_value(value);
}

}  // namespace

std::string stringify_value(const Poco::Dynamic::Var& value) {
    if (value.isEmpty())
        throw std::invalid_argument("an empty value cannot be stringified");
    if (value.isBoolean())
        return value.extract<bool>() ? "true" : "false";
    if (value.isString())
        return value.extract<std::string>();
    if (value.isInteger()) {
        return value.isSigned() ? std::to_string(value.convert<Poco::Int64>())
                                : std::to_string(value.convert<Poco::UInt64>());
    }
    if (value.isNumeric())
        return format_double(value.convert<double>());
    throw std::invalid_argument("arrays and objects must be flattened, not stringified");
}

flat_params flatten(const Poco::JSON::Object& params) {
    flat_params out;
    for (const auto& [name, value] : params)
        flatten_into(name, value, out);
    return out;
}

std::string string_to_sign(const flat_params& params, std::string_view private_key) {
    std::string text;
    for (const auto& [key, value] : params) {
        if (key == "Signature")
            continue;
        text += key;
        text += value;
    }
    text += private_key;
    return text;
}

std::string sha1_hex(std::string_view data) {
    SHA_CTX context;
    SHA1_Init(&context);
    SHA1_Update(&context, data.data(), data.size());
    return finish_hex(context);
}

namespace {

// Collects short pieces into one buffer for SHA1_Update: a request's dozen keys and values are
// hashed with one or two calls instead of one each (a call costs more than a small piece).
class gathered_sha1 {
  public:
    explicit gathered_sha1(SHA_CTX& context) : context_(context) {}
    void add(std::string_view piece) {
        if (piece.empty())
            return;  // its data() may be null, which memcpy must not get
        if (piece.size() > sizeof pending_ - used_) {
            flush();
            if (piece.size() > sizeof pending_) {
                SHA1_Update(&context_, piece.data(), piece.size());
                return;
            }
        }
        std::memcpy(pending_ + used_, piece.data(), piece.size());
        used_ += piece.size();
    }
    void flush() {
        if (used_ > 0)
            SHA1_Update(&context_, pending_, used_);
        used_ = 0;
    }

  private:
    SHA_CTX& context_;
    char pending_[256];
    std::size_t used_ = 0;
};

template <class Params>
std::string sign_pairs(const Params& params, std::string_view private_key) {
    // The same bytes as string_to_sign(), fed to the digest in pieces: no string holding the
    // private key is built (and left in freed memory). The parameters are gathered; the key is
    // passed to the digest directly, so it is never copied.
    SHA_CTX context;
    SHA1_Init(&context);
    gathered_sha1 gathered(context);
    for (const auto& [key, value] : params) {
        if (key == "Signature")
            continue;
        gathered.add(key);
        gathered.add(value);
    }
    gathered.flush();
    SHA1_Update(&context, private_key.data(), private_key.size());
    return finish_hex(context);
}

}  // namespace

std::string sign(const flat_params& params, std::string_view private_key) {
    return sign_pairs(params, private_key);
}

std::string sign_views(const param_views& params, std::string_view private_key) {
    return sign_pairs(params, private_key);
}

}  // namespace compshare
