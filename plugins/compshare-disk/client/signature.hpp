// The UCloud "VerifyAC" signature over flat parameters, and the rules that turn typed values
// (JSON numbers, booleans, arrays, objects) into those flat parameters. See the reference's
// sections 2 and 3.
#pragma once

#include "form_encoding.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <string_view>

namespace compshare {

using flat_params = std::map<std::string, std::string>;  // sorted bytewise, as signing needs

// bool -> "true"/"false"; integers -> decimal; floats -> fixed notation, shortest form that
// reads back the same, no exponent, "42" for 42.0; strings as they are.
// Throws std::invalid_argument for NaN, infinities, empty values, arrays and objects.
std::string stringify_value(const Poco::Dynamic::Var& value);

// {"UHostIds": ["a", "b"], "Led": {"On": true}} -> UHostIds.0=a, UHostIds.1=b, Led.On=true.
// null values are left out. Throws std::invalid_argument for NaN or infinite numbers.
flat_params flatten(const Poco::JSON::Object& params);

// key1 value1 key2 value2 ... private_key, keys in bytewise order, no separators or escaping.
// It contains the private key: never log it.
std::string string_to_sign(const flat_params& params, std::string_view private_key);

// Lowercase hex SHA-1.
std::string sha1_hex(std::string_view data);

// The Signature parameter for `params` (which must already hold PublicKey and must not hold
// Signature; a Signature entry is ignored).
std::string sign(const flat_params& params, std::string_view private_key);
std::string sign_views(const param_views& params, std::string_view private_key);  // sorted by key

}  // namespace compshare
