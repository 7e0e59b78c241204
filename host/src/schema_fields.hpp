// The fields of an object schema, for `describe`: name, type, required, default, description.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace actionhost::core {

// [{name, type, required, default?, description?}], the required names first when they have no
// property of their own, then the properties in key order. Tolerates odd values (the manifest's
// schemas are only checked to be objects).
Poco::JSON::Array::Ptr schema_fields(const Poco::JSON::Object::Ptr& schema);

// Compact JSON of any value.
std::string var_json(const Poco::Dynamic::Var& value);

}  // namespace actionhost::core
