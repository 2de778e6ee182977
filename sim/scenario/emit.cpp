// Printing a Scenario back to YAML (the resolved scenario stored in every output file) and
// the Markdown schema reference, both driven by the declarations in schema.hpp.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "sim/scenario/load.hpp"
#include "sim/scenario/schema.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace pzsim {

namespace {

// Shortest text that reads back as the same double.
std::string number_text(double x) {
  char buf[40];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}

std::string value_text(double x) { return number_text(x); }
std::string value_text(int x) { return std::to_string(x); }
std::string value_text(std::uint64_t x) { return std::to_string(x); }
std::string value_text(bool x) { return x ? "true" : "false"; }
std::string value_text(const std::string& x) { return yaml::double_quoted(x); }
std::string value_text(const Month& m) { return m.str(); }
template <class E>
  requires std::is_enum_v<E>
std::string value_text(E e) {
  return std::string(enum_name(e));
}
template <class T>
std::string value_text(const std::vector<T>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + value_text(xs[i]);
  return out + "]";
}

class Emitter {
 public:
  explicit Emitter(int indent) : indent_(indent) {}

  template <class T>
  void field(std::string_view key, const T& value, std::string_view, const Rule&) {
    line(key, value_text(value));
  }
  template <class T>
  void field(std::string_view key, const std::optional<T>& value, std::string_view, const Rule&) {
    if (value) line(key, value_text(*value));
  }
  template <class S>
  void section(std::string_view key, S& sub, std::string_view) {
    start_key(key);
    out_ << "\n";
    Emitter child(indent_ + 2);
    describe(child, sub);
    out_ << child.text();
  }
  template <class S>
  void list(std::string_view key, std::vector<S>& items, std::string_view) {
    start_key(key);
    if (items.empty()) {
      out_ << " []\n";
      return;
    }
    out_ << "\n";
    for (auto& item : items) {
      Emitter child(indent_ + 4);
      describe(child, item);
      std::string body = child.text();
      // The first line of an item carries the "- " marker in place of two spaces.
      out_ << std::string(indent_ + 2, ' ') << "- " << body.substr(static_cast<std::size_t>(indent_ + 4));
    }
  }
  std::string text() const { return out_.str(); }

 private:
  void start_key(std::string_view key) {
    out_ << std::string(indent_, ' ') << key << ":";
  }
  void line(std::string_view key, const std::string& value) {
    start_key(key);
    out_ << " " << value << "\n";
  }
  int indent_;
  std::ostringstream out_;
};

class SchemaDoc {
 public:
  SchemaDoc(std::string prefix, std::ostringstream& out) : prefix_(std::move(prefix)), out_(out) {}

  template <class T>
  void field(std::string_view key, const T& value, std::string_view doc, const Rule& rule) {
    row(key, type_name(value), value_text(value), doc, rule);
  }
  template <class T>
  void field(std::string_view key, const std::optional<T>& value, std::string_view doc, const Rule& rule) {
    row(key, type_name(T{}) + " (optional)", value ? value_text(*value) : "(drawn or unset)", doc, rule);
  }
  template <class S>
  void section(std::string_view key, S& sub, std::string_view doc) {
    out_ << "| `" << prefix_ << key << "` | map | | | | " << doc << " |\n";
    SchemaDoc child(prefix_ + std::string(key) + ".", out_);
    describe(child, sub);
  }
  template <class S>
  void list(std::string_view key, std::vector<S>& items, std::string_view doc) {
    out_ << "| `" << prefix_ << key << "` | list of maps | " << items.size() << " built-in entries | | | " << doc
         << " |\n";
    S item{};
    SchemaDoc child(prefix_ + std::string(key) + "[].", out_);
    describe(child, item);
  }

 private:
  static std::string type_name(double) { return "number"; }
  static std::string type_name(int) { return "integer"; }
  static std::string type_name(std::uint64_t) { return "integer"; }
  static std::string type_name(bool) { return "true/false"; }
  static std::string type_name(const std::string&) { return "string"; }
  static std::string type_name(const Month&) { return "month"; }
  template <class E>
    requires std::is_enum_v<E>
  static std::string type_name(E) {
    std::string names;
    for (auto n : EnumNames<E>::names) names += (names.empty() ? "" : " / ") + std::string(n);
    return names;
  }
  template <class T>
  static std::string type_name(const std::vector<T>&) {
    return "list of " + type_name(T{});
  }
  void row(std::string_view key, const std::string& type, const std::string& def, std::string_view doc,
           const Rule& rule) {
    std::string range;
    if (std::isfinite(rule.lo) || std::isfinite(rule.hi))
      range = "[" + (std::isfinite(rule.lo) ? number_text(rule.lo) : std::string("-inf")) + ", " +
              (std::isfinite(rule.hi) ? number_text(rule.hi) : std::string("inf")) + "]";
    out_ << "| `" << prefix_ << key << "` | " << type << " | `" << def << "` | " << rule.unit << " | " << range
         << " | " << doc << " |\n";
  }
  std::string prefix_;
  std::ostringstream& out_;
};

}  // namespace

std::string emit_yaml(const Scenario& scenario) {
  Scenario copy = scenario;  // describe() takes mutable references; printing never changes them
  Emitter emitter(0);
  describe(emitter, copy);
  return emitter.text();
}

std::string schema_markdown() {
  std::ostringstream out;
  out << "| key | type | default | unit | range | meaning |\n|---|---|---|---|---|---|\n";
  Scenario defaults;
  SchemaDoc doc("", out);
  describe(doc, defaults);
  return out.str();
}

}  // namespace pzsim
