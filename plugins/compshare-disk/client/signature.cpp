#include "signature.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/SHA1Engine.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace compshare {

namespace {

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
    Poco::SHA1Engine engine;
    engine.update(data.data(), static_cast<unsigned>(data.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string sign(const flat_params& params, std::string_view private_key) {
    // The same bytes as string_to_sign(), fed to the digest piece by piece: no string holding
    // the private key is built (and left in freed memory).
    Poco::SHA1Engine engine;
    for (const auto& [key, value] : params) {
        if (key == "Signature")
            continue;
        engine.update(key);
        engine.update(value);
    }
    engine.update(private_key.data(), static_cast<unsigned>(private_key.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

}  // namespace compshare
