// Plugin classes AH_PLUGIN must refuse at compile time, one per macro (see
// check_plugin_compile.cmake), each with the message that tells its author what is missing.
// Without any of them: a correct plugin, the control that the same command line compiles.
#include <actionhost/plugin.hpp>

#include <string>
#include <string_view>

#if defined(WRONG_CONSTRUCTOR)
// The config must arrive as std::string_view next to the host.
class wrong_constructor {
  public:
    explicit wrong_constructor(const std::string&) {}
    actionhost::outcome invoke(std::string_view, std::string_view) { return {}; }
};
AH_PLUGIN(wrong_constructor)

#elif defined(NO_INVOKE)
class no_invoke {
  public:
    no_invoke(const actionhost::host&, std::string_view) {}
    actionhost::outcome run(std::string_view, std::string_view) { return {}; }
};
AH_PLUGIN(no_invoke)

#elif defined(WRONG_INVOKE_RESULT)
class wrong_invoke_result {
  public:
    wrong_invoke_result(const actionhost::host&, std::string_view) {}
    std::string invoke(std::string_view, std::string_view) { return "{}"; }
};
AH_PLUGIN(wrong_invoke_result)

#elif defined(THROWING_DESTRUCTOR)
class throwing_destructor {
  public:
    throwing_destructor(const actionhost::host&, std::string_view) {}
    ~throwing_destructor() noexcept(false) {}
    actionhost::outcome invoke(std::string_view, std::string_view) { return {}; }
};
AH_PLUGIN_WITH_API_VERSION(throwing_destructor, "1.0.0")

#else
class correct_plugin {
  public:
    correct_plugin(const actionhost::host&, std::string_view) {}
    actionhost::outcome invoke(std::string_view, std::string_view) { return {}; }
};
AH_PLUGIN(correct_plugin)
#endif
