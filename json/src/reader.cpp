// parse() to a Poco DOM: a handler of the tokenizer's events (tokenizer.cpp).
#include <actionhost/json/handler.hpp>
#include <actionhost/json/reader.hpp>

#include <Poco/JSON/Array.h>

#include <limits>
#include <vector>

namespace actionhost::json {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

// Builds the Var tree: each value goes into the innermost open object (under the last member
// name) or array, or becomes the document.
class dom_builder : public handler {
  public:
    explicit dom_builder(bool preserve_order) : preserve_order_(preserve_order) {}
    Var take() { return std::move(document_); }

    void begin_object() override {
        open_.push_back({Poco::makeShared<Object>(preserve_order_), nullptr, {}});
    }
    void member_name(std::string_view name) override { open_.back().name.assign(name); }
    void end_object() override { close(Var(open_.back().object)); }
    void begin_array() override { open_.push_back({nullptr, Poco::makeShared<Array>(), {}}); }
    void end_array() override { close(Var(open_.back().array)); }
    void string_value(std::string_view value) override { add(std::string(value)); }
    void number_value(const number& value) override {
        switch (value.type) {
            case number::kind::integer:
                if (value.integer >= std::numeric_limits<int>::min() &&
                    value.integer <= std::numeric_limits<int>::max())
                    return add(static_cast<int>(value.integer));
                return add(static_cast<Poco::Int64>(value.integer));
            case number::kind::unsigned_integer:
                return add(static_cast<Poco::UInt64>(value.unsigned_integer));
            case number::kind::floating:
                break;
        }
        add(value.floating);
    }
    void boolean_value(bool value) override { add(value); }
    void null_value() override { add(Var()); }

  private:
    struct container {
        Object::Ptr object;  // one of the two
        Array::Ptr array;
        std::string name;  // the object's member being read
    };

    void add(Var value) {
        if (open_.empty())
            document_ = std::move(value);
        else if (open_.back().object)
            open_.back().object->set(open_.back().name, std::move(value));
        else
            open_.back().array->add(std::move(value));
    }
    void close(Var value) {
        open_.pop_back();
        add(std::move(value));
    }

    bool preserve_order_;
    std::vector<container> open_;
    Var document_;
};

}  // namespace

Var parse(std::string_view text, parse_options options) {
    dom_builder builder(options.preserve_order);
    parse(text, builder, options);
    return builder.take();
}

const char* kind_of(const Var& value) {
    if (value.isEmpty())
        return "null";
    if (value.type() == typeid(Object::Ptr))
        return "an object";
    if (value.type() == typeid(Array::Ptr))
        return "an array";
    if (value.isString())
        return "a string";
    if (value.isBoolean())
        return "a boolean";
    return "a number";
}

Object::Ptr as_object(const Var& value) {
    return value.type() == typeid(Object::Ptr) ? value.extract<Object::Ptr>() : nullptr;
}

}  // namespace actionhost::json
