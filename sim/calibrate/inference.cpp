#include "sim/calibrate/inference.hpp"

#include <cmath>
#include <limits>

namespace pzsim::calibrate {

namespace {

std::string fmt(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}

}  // namespace

Inference infer(const Calibration& cal, const Eigen::MatrixXd& jacobian, const std::vector<std::vector<double>>& per_seed,
                const std::vector<bool>& active) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const Eigen::Index p = static_cast<Eigen::Index>(cal.parameters.size());
  std::vector<std::size_t> in;  // in-sample weighted moments
  for (std::size_t k = 0; k < cal.moments.size(); ++k)
    if (cal.moments[k].in_sample && cal.moments[k].weight > 0) in.push_back(k);
  const Eigen::Index K = static_cast<Eigen::Index>(in.size());
  const std::size_t S = cal.seeds.size();                 // seeds averaged by the objective
  const std::size_t C = per_seed.empty() ? 0 : per_seed.front().size();  // seeds of the covariance

  Inference r;
  r.jacobian = Eigen::MatrixXd::Zero(K, p);
  Eigen::VectorXd w(K);
  Eigen::MatrixXd omega = Eigen::MatrixXd::Zero(K, K);
  for (Eigen::Index a = 0; a < K; ++a) {
    const std::size_t k = in[static_cast<std::size_t>(a)];
    w(a) = cal.moments[k].weight;
    r.jacobian.row(a) = jacobian.row(static_cast<Eigen::Index>(k));
  }
  // Covariance of the moments across seeds (only moving deviations vary with the draws).
  if (C >= 2) {
    for (Eigen::Index a = 0; a < K; ++a)
      for (Eigen::Index b = 0; b < K; ++b) {
        const std::size_t ka = in[static_cast<std::size_t>(a)], kb = in[static_cast<std::size_t>(b)];
        if (!active[ka] || !active[kb]) continue;
        double ma = 0, mb = 0;
        for (std::size_t s = 0; s < C; ++s) ma += per_seed[ka][s], mb += per_seed[kb][s];
        ma /= static_cast<double>(C), mb /= static_cast<double>(C);
        double c = 0;
        for (std::size_t s = 0; s < C; ++s) c += (per_seed[ka][s] - ma) * (per_seed[kb][s] - mb);
        omega(a, b) = c / static_cast<double>(C - 1);
      }
  }

  Eigen::VectorXd range(p);
  for (Eigen::Index j = 0; j < p; ++j) range(j) = cal.parameters[static_cast<std::size_t>(j)].upper - cal.parameters[static_cast<std::size_t>(j)].lower;
  const Eigen::MatrixXd weighted = w.cwiseSqrt().asDiagonal() * r.jacobian;         // W^1/2 G
  const Eigen::MatrixXd scaled = weighted * range.asDiagonal();                         // per whole bound width
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(scaled, Eigen::ComputeThinV);
  const Eigen::VectorXd sv = svd.singularValues();
  for (Eigen::Index i = 0; i < sv.size(); ++i) r.singular_values.push_back(sv(i));
  const double largest = sv.size() > 0 ? sv(0) : 0.0;
  const double smallest = sv.size() == p && p > 0 ? sv(p - 1) : 0.0;
  r.condition = smallest > 0 ? largest / smallest : std::numeric_limits<double>::infinity();
  const bool singular = !(smallest > 1e-10 * largest) || largest == 0.0;

  r.covariance = Eigen::MatrixXd::Constant(p, p, nan);
  if (singular) {
    r.note = "G'WG is singular (the in-sample moments do not move with some combination of the parameters): no standard errors";
  } else if (C < 2) {
    r.note = "one covariance seed: the moments' covariance across seeds, and so the standard errors, need at least two";
  } else {
    const Eigen::MatrixXd a = r.jacobian.transpose() * w.asDiagonal() * r.jacobian;
    const Eigen::MatrixXd a_inv = a.inverse();
    const Eigen::MatrixXd meat = r.jacobian.transpose() * w.asDiagonal() * omega * w.asDiagonal() * r.jacobian;
    r.covariance = (1.0 + 1.0 / static_cast<double>(S)) * a_inv * meat * a_inv;
  }

  const Eigen::MatrixXd v = svd.matrixV();
  for (Eigen::Index j = 0; j < p; ++j) {
    Identification id;
    const double var = r.covariance(j, j);
    id.se = std::isfinite(var) && var >= 0 ? std::sqrt(var) : nan;
    id.se_over_range = id.se / range(j);
    id.sensitivity = scaled.col(j).norm();
    if (singular && (p == 0 || std::abs(v(j, p - 1)) >= 0.3))
      id.flags.push_back("not identified: the moments do not move along it (with the others held)");
    if (id.sensitivity < 1.0)
      id.flags.push_back("flat: across its whole bounds the objective changes by about " + fmt(id.sensitivity * id.sensitivity) +
                         " (< 1)");
    if (std::isfinite(id.se) && id.se_over_range > 0.25)
      id.flags.push_back("imprecise: standard error " + fmt(id.se_over_range * 100) + "% of the bound width (> 25%)");
    if (!singular && p > 1 && r.condition > 100 && std::abs(v(j, p - 1)) >= 0.5)
      id.flags.push_back("collinear: leads the flattest direction (condition number " + fmt(r.condition) + " > 100)");
    r.parameters.push_back(std::move(id));
  }
  return r;
}

}  // namespace pzsim::calibrate
