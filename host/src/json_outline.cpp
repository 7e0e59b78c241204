#include "json_outline.hpp"

#include "json_text.hpp"

#include <actionhost/json/handler.hpp>
#include <actionhost/json/reader.hpp>

#include <algorithm>
#include <cstddef>

namespace actionhost::core {
namespace {

using kind = json_outline::kind;

// Keeps each value down to the depth asked for; a container at that depth is kept by its kind
// alone and the values inside it are only counted, to know where it ends.
class outline_reader : public json::handler {
  public:
    outline_reader(json_outline& document, int depth)
        : document_(document), depth_(static_cast<std::size_t>(depth)) {}

    void begin_object() override { open(kind::object); }
    void begin_array() override { open(kind::array); }
    void end_object() override { close(); }
    void end_array() override { close(); }
    void member_name(std::string_view name) override {
        if (skipped_ == 0)
            name_.assign(name);
    }
    void string_value(std::string_view value) override {
        if (json_outline* v = add(kind::string))
            v->text.assign(value);
    }
    void number_value(const json::number& /*value*/) override { add(kind::number); }
    void boolean_value(bool value) override {
        if (json_outline* v = add(kind::boolean))
            v->boolean = value;
    }
    void null_value() override { add(kind::null); }

  private:
    // The new value, in the innermost open container (or the document itself); nullptr below
    // the depth kept.
    json_outline* add(kind type) {
        if (skipped_ > 0)
            return nullptr;
        json_outline* value = &document_;
        if (!open_.empty()) {
            json_outline& parent = *open_.back();
            value = &parent.children.emplace_back();
            if (parent.type == kind::object)
                value->name = name_;
        }
        value->type = type;
        return value;
    }
    void open(kind type) {
        json_outline* value = add(type);
        if (value != nullptr && open_.size() < depth_)
            open_.push_back(value);  // only the innermost container grows: the pointer holds
        else
            ++skipped_;
    }
    void close() {
        if (skipped_ > 0)
            --skipped_;
        else
            open_.pop_back();
    }

    json_outline& document_;
    std::size_t depth_;
    std::vector<json_outline*> open_;  // the containers whose values are kept, outermost first
    std::size_t skipped_ = 0;          // containers open below them
    std::string name_;                 // the member name of the value to come
};

}  // namespace

const json_outline* json_outline::find(std::string_view member) const {
    const auto it = std::find_if(children.begin(), children.end(),
                                 [member](const json_outline& c) { return c.name == member; });
    return type == kind::object && it != children.end() ? &*it : nullptr;
}

const char* kind_name(json_outline::kind type) {
    switch (type) {
        case kind::object:
            return "an object";
        case kind::array:
            return "an array";
        case kind::string:
            return "a string";
        case kind::number:
            return "a number";
        case kind::boolean:
            return "a boolean";
        case kind::null:
            break;
    }
    return "null";
}

json_outline outline_json_object(std::string_view text, int depth, const std::string& what,
                                 std::string_view error_type) {
    json_outline document;
    outline_reader reader(document, depth);
    try {
        json::parse(text, reader);
    } catch (const json::parse_error& e) {
        throw invalid_json(what, error_type, e);
    }
    if (document.type != kind::object)
        throw host_error(error_type,
                         what + ": must be a JSON object, not " + kind_name(document.type));
    return document;
}

}  // namespace actionhost::core
