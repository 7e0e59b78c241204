#include "schema_fields.hpp"

#include "json_text.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace actionhost::core {

std::string var_json(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out);
    return out.str();
}

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// A string as it is, anything else as JSON (schemas from manifests are not validated deeply).
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

// The properties of an object schema, as [{name, type, required, default?, description?}].
}  // namespace

Array::Ptr schema_fields(const Object::Ptr& schema) {
    Array::Ptr fields = make_array();
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
        Object::Ptr field = make_object();
        field->set("name", name);
        field->set("type", std::string("any"));
        field->set("required", true);
        fields->add(field);
    }
    if (!properties)
        return fields;
    for (const auto& [name, value] : *properties) {
        Object::Ptr field = make_object();
        field->set("name", name);
        const auto property = properties->getObject(name);
        field->set("type", property ? type_text(*property) : std::string("any"));
        field->set("required", std::find(required.begin(), required.end(), name) != required.end());
        if (property && property->has("default"))
            field->set("default", property->get("default"));
        if (property && property->has("description")) {
            field->set("description", var_text(property->get("description")));
        }
        fields->add(field);
    }
    return fields;
}

}  // namespace actionhost::core
