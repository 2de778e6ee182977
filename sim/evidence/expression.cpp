#include "sim/evidence/expression.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace pzsim::evidence {

// Recursive descent: expr = term {(+|-) term}; term = factor {(*|/) factor};
// factor = number | name | ( expr ) | - factor.
class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view text) : text_(text) {}

  Expression parse() {
    Expression e;
    out_ = &e;
    e.root_ = expr();
    skip_space();
    if (at_ < text_.size()) fail("unexpected '" + std::string(1, text_[at_]) + "'");
    return e;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("column " + std::to_string(at_ + 1) + " of the expression: " + what);
  }
  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  int add(Expression::Node node) {
    out_->nodes_.push_back(std::move(node));
    return static_cast<int>(out_->nodes_.size()) - 1;
  }
  int expr() {
    int lhs = term();
    for (;;) {
      skip_space();
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) {
        const char op = text_[at_++];
        const int rhs = term();
        lhs = add({op, 0.0, {}, lhs, rhs});
      } else {
        return lhs;
      }
    }
  }
  int term() {
    int lhs = factor();
    for (;;) {
      skip_space();
      if (at_ < text_.size() && (text_[at_] == '*' || text_[at_] == '/')) {
        const char op = text_[at_++];
        const int rhs = factor();
        lhs = add({op, 0.0, {}, lhs, rhs});
      } else {
        return lhs;
      }
    }
  }
  int factor() {
    skip_space();
    if (at_ >= text_.size()) fail("expected a number, a name or '(' at the end");
    const char c = text_[at_];
    if (c == '(') {
      ++at_;
      const int inner = expr();
      skip_space();
      if (at_ >= text_.size() || text_[at_] != ')') fail("expected ')'");
      ++at_;
      return inner;
    }
    if (c == '-') {
      ++at_;
      const int operand = factor();
      return add({'u', 0.0, {}, operand, -1});
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      const std::string rest(text_.substr(at_));
      char* end = nullptr;
      const double value = std::strtod(rest.c_str(), &end);
      if (end == rest.c_str()) fail("malformed number");
      at_ += static_cast<std::size_t>(end - rest.c_str());
      return add({'n', value, {}, -1, -1});
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t start = at_;
      while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_')) ++at_;
      return add({'v', 0.0, std::string(text_.substr(start, at_ - start)), -1, -1});
    }
    fail("unexpected '" + std::string(1, c) + "'");
  }

  std::string_view text_;
  std::size_t at_ = 0;
  Expression* out_ = nullptr;
};

Expression Expression::parse(std::string_view text) { return ExpressionParser(text).parse(); }

double Expression::eval(int node, const std::function<double(const std::string&)>& value_of) const {
  const Node& n = nodes_[static_cast<std::size_t>(node)];
  switch (n.op) {
    case 'n': return n.number;
    case 'v': return value_of(n.name);
    case 'u': return -eval(n.lhs, value_of);
    case '+': return eval(n.lhs, value_of) + eval(n.rhs, value_of);
    case '-': return eval(n.lhs, value_of) - eval(n.rhs, value_of);
    case '*': return eval(n.lhs, value_of) * eval(n.rhs, value_of);
    case '/': {
      const double denominator = eval(n.rhs, value_of);
      if (denominator == 0.0) return std::numeric_limits<double>::quiet_NaN();
      return eval(n.lhs, value_of) / denominator;
    }
  }
  throw std::logic_error("bad expression node");
}

double Expression::evaluate(const std::function<double(const std::string&)>& value_of) const {
  if (root_ < 0) throw std::logic_error("evaluating an empty expression");
  return eval(root_, value_of);
}

std::vector<std::string> Expression::names() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_)
    if (n.op == 'v' && std::find(out.begin(), out.end(), n.name) == out.end()) out.push_back(n.name);
  return out;
}

}  // namespace pzsim::evidence
