// A handler for a document that should be one flat object (action parameters, the top of an API
// reply): each value of the document's own members goes into the slot that slot_for() names for
// it, with its kind; nested objects and arrays are recorded by their kind only, and deeper
// events only move the depth. The readers of flat objects differ only in where a value goes.
#pragma once

#include <actionhost/json/handler.hpp>

#include <string_view>

namespace actionhost::json {

// Slot: a struct with `type` (of an enum `kind` with null, boolean, number, string, object and
// array), `boolean`, `number` (json::number) and `text` (std::string).
template <class Slot>
class member_slots : public handler {
  public:
    bool is_object = false;  // false: the document is another kind of value (no members)

  protected:
    // Where the value of the member `name` goes; nullptr to skip it.
    virtual Slot* slot_for(std::string_view name) = 0;

  private:
    using kind = typename Slot::kind;

    void begin_object() override {
        if (depth_ == 0)
            is_object = true;
        else
            take(kind::object);
        ++depth_;
    }
    void member_name(std::string_view name) override {
        if (depth_ == 1)
            current_ = slot_for(name);
    }
    void end_object() override { --depth_; }
    void begin_array() override {
        take(kind::array);
        ++depth_;
    }
    void end_array() override { --depth_; }
    void string_value(std::string_view value) override {
        if (Slot* slot = take(kind::string))
            slot->text.assign(value);
    }
    void number_value(const number& value) override {
        if (Slot* slot = take(kind::number))
            slot->number = value;
    }
    void boolean_value(bool value) override {
        if (Slot* slot = take(kind::boolean))
            slot->boolean = value;
    }
    void null_value() override { take(kind::null); }

    // The slot of the value just read, its kind recorded; nullptr for a skipped member and for
    // anything deeper (in a top-level array, depth 1 holds elements, which have no name).
    Slot* take(kind type) {
        if (depth_ != 1 || current_ == nullptr)
            return nullptr;
        Slot* slot = current_;
        current_ = nullptr;
        slot->type = type;
        return slot;
    }

    Slot* current_ = nullptr;
    int depth_ = 0;
};

}  // namespace actionhost::json
