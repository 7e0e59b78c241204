#include "schema_fields.hpp"

#include "json_text.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <string>
#include <vector>

namespace actionhost::core {

namespace {

using Poco::JSON::Object;

// A string as it is, anything else as JSON.
std::string var_text(const Poco::Dynamic::Var& value) {
    return value.isString() ? value.extract<std::string>() : var_json(value);
}

// A schema's "type" for people: "string", "integer|null", or "any".
std::string type_text(const Object& schema) {
    if (schema.has("enum"))
        return "enum " + var_json(schema.get("enum"));
    if (!schema.has("type"))
        return schema.has("const") ? "const " + var_json(schema.get("const")) : "any";
    const auto type = schema.get("type");
    if (type.isString())
        return type.convert<std::string>();
    if (const auto list = schema.getArray("type")) {
        std::string joined;
        for (std::size_t i = 0; i < list->size(); ++i) {
            joined += (i ? "|" : "") + var_text(list->get(static_cast<unsigned>(i)));
        }
        return joined;
    }
    return "any";
}

// Ranges, lengths and patterns: "0 < x <= 3600", "length <= 64", "pattern ^[a-z]+$".
std::string constraints_text(const Object& schema) {
    std::vector<std::string> parts;
    std::string low;
    std::string high;
    if (schema.has("minimum"))
        low = var_json(schema.get("minimum")) + " <= ";
    if (schema.has("exclusiveMinimum"))
        low = var_json(schema.get("exclusiveMinimum")) + " < ";
    if (schema.has("maximum"))
        high = " <= " + var_json(schema.get("maximum"));
    if (schema.has("exclusiveMaximum"))
        high = " < " + var_json(schema.get("exclusiveMaximum"));
    if (!low.empty() || !high.empty())
        parts.push_back(low + "x" + high);
    std::string length_low;
    std::string length_high;
    if (schema.has("minLength"))
        length_low = var_json(schema.get("minLength")) + " <= ";
    if (schema.has("maxLength"))
        length_high = " <= " + var_json(schema.get("maxLength"));
    if (!length_low.empty() || !length_high.empty())
        parts.push_back(length_low + "length" + length_high);
    if (schema.has("pattern"))
        parts.push_back("pattern " + var_text(schema.get("pattern")));
    std::string joined;
    for (const auto& part : parts)
        joined += (joined.empty() ? "" : ", ") + part;
    return joined;
}

}  // namespace

std::vector<schema_field> schema_fields(const Object::Ptr& schema) {
    std::vector<schema_field> fields;
    if (!schema)
        return fields;
    std::vector<std::string> required;
    if (const auto req = schema->getArray("required")) {
        for (std::size_t i = 0; i < req->size(); ++i) {
            const auto name = req->get(static_cast<unsigned>(i));
            if (name.isString())
                required.push_back(name.extract<std::string>());
        }
    }
    const auto properties = schema->getObject("properties");
    // Required names without a declared property still are fields (of any type).
    for (const auto& name : required) {
        if (properties && properties->has(name))
            continue;
        schema_field field;
        field.name = name;
        field.type = "any";
        field.required = true;
        fields.push_back(std::move(field));
    }
    if (properties) {
        for (const auto& [name, value] : *properties) {
            schema_field field;
            field.name = name;
            field.required = std::find(required.begin(), required.end(), name) != required.end();
            const auto property = properties->getObject(name);
            field.type = property ? type_text(*property) : "any";
            if (property) {
                field.constraints = constraints_text(*property);
                if (property->has("default"))
                    field.default_value = property->get("default");
                if (property->has("description"))
                    field.description = var_text(property->get("description"));
            }
            fields.push_back(std::move(field));
        }
    }
    std::stable_partition(fields.begin(), fields.end(),
                          [](const schema_field& f) { return f.required; });
    return fields;
}

}  // namespace actionhost::core
