// libFuzzer target: the form encoder and the signer over arbitrary parameter maps, built either
// from raw key/value bytes or from a JSON object through flatten(). Checks that the encoding
// reads back unchanged, uses only unreserved characters, and that the signature is the SHA-1 of
// the documented string to sign.
#include "client/form_encoding.hpp"
#include "client/signature.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

using compshare::flat_params;

void check(bool condition) {
    if (!condition)
        std::abort();
}

bool unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

std::string decode(const std::string& text) {
    std::string out;
    Poco::URI::decode(text, out);
    return out;
}

// key=value&... back into a map: every pair must come back byte for byte.
void check_form_round_trip(const flat_params& params) {
    const auto body = compshare::form_encode(params);
    flat_params back;
    std::size_t start = 0;
    while (!params.empty()) {
        const auto end = body.find('&', start);
        const auto pair = body.substr(start, end == std::string::npos ? end : end - start);
        const auto eq = pair.find('=');
        check(eq != std::string::npos);
        for (const char c : pair) {
            check(unreserved(c) || c == '%' || c == '=');
        }
        back[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    check(back == params);
}

void check_signature(flat_params params, const std::string& private_key) {
    const auto signature = compshare::sign(params, private_key);
    check(signature.size() == 40);
    for (const char c : signature) {
        check((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
    params.erase("Signature");  // sign() ignores it
    check(signature == compshare::sha1_hex(compshare::string_to_sign(params, private_key)));
    params["Signature"] = signature;  // and a present Signature changes nothing
    check(compshare::sign(params, private_key) == signature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider input(data, size);
    const bool from_json = input.ConsumeBool();
    const auto private_key = input.ConsumeRandomLengthString(64);
    flat_params params;
    if (from_json) {
        const auto json = input.ConsumeRemainingBytesAsString();
        Poco::JSON::Object::Ptr object;
        try {
            const auto parsed = Poco::JSON::Parser().parse(json);
            if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
                return 0;
            object = parsed.extract<Poco::JSON::Object::Ptr>();
        } catch (const Poco::Exception&) {
            return 0;  // not JSON: the parser's business, not the encoder's
        }
        try {
            params = compshare::flatten(*object);
        } catch (const std::invalid_argument&) {
            return 0;  // NaN/infinity or an empty value: documented refusals
        }
    } else {
        while (input.remaining_bytes() > 0) {
            auto key = input.ConsumeRandomLengthString(32);
            params[std::move(key)] = input.ConsumeRandomLengthString(64);
        }
    }
    check_form_round_trip(params);
    check_signature(params, private_key);
    return 0;
}
