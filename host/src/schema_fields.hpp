// The fields of an object schema, for `describe`: name, type, constraints, default, description.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace actionhost::core {

struct schema_field {
    std::string name;
    std::string type;  // "string", "integer|null", "enum [...]", "any"
    bool required = false;
    std::string constraints;           // "0 ≤ x ≤ 3600, pattern ^[a-z]+$", or ""
    Poco::Dynamic::Var default_value;  // empty when the schema gives no default
    std::string description;
};

// The required fields first, then the optional ones, each in the schema's key order. Tolerates
// odd values (the manifest's schemas are only checked to be objects).
std::vector<schema_field> schema_fields(const Poco::JSON::Object::Ptr& schema);

}  // namespace actionhost::core
