#include "nn/conv_functional.h"

#include <algorithm>
#include <limits>

#include "autograd/formulas.h"
#include "autograd/functions.h"
#include "tensor/creation.h"

namespace kiln::nn::functional {

namespace {

// One value per spatial dim, from a list of one (for all) or `dims`.
std::vector<int64_t> per_dim(const std::vector<int64_t>& values, size_t dims, const char* op,
                             const char* what) {
  KILN_CHECK(values.size() == 1 || values.size() == dims, op, ": ", what, " needs 1 or ", dims,
             " values, got ", values.size());
  return values.size() == 1 ? std::vector<int64_t>(dims, values[0]) : values;
}

// Windows of `size` elements every `stride`, `dilation` apart, along each spatial dim:
// [N, C, *spatial] -> [N, C, *out, *kernel].
Tensor windows(const Tensor& x, const std::vector<int64_t>& kernel,
               const std::vector<int64_t>& stride, const std::vector<int64_t>& dilation) {
  const int spatial = static_cast<int>(kernel.size());
  const int first = x.dim() - spatial;
  Tensor out = x;
  for (int i = 0; i < spatial; ++i) {
    const int64_t span = dilation[i] * (kernel[i] - 1) + 1;
    KILN_CHECK(out.size(first + i) >= span, "conv: input size ", out.size(first + i),
               " in spatial dim ", i, " is smaller than the dilated kernel ", span);
    out = out.unfold(first + i, span, stride[i]);
    if (dilation[i] > 1) out = out.slice(-1, 0, std::nullopt, dilation[i]);
  }
  return out;
}

}  // namespace

Tensor conv(const Tensor& input, const Tensor& weight, const Tensor& bias,
            const ConvOptions& options) {
  const int spatial = weight.dim() - 2;
  KILN_CHECK(spatial >= 1 && spatial <= 2, "conv: weight of shape ", weight.shape(),
             " is not [C_out, C_in / groups, *kernel] with 1 or 2 kernel dims");
  const bool batched = input.dim() == spatial + 2;
  KILN_CHECK(batched || input.dim() == spatial + 1, "conv: input of shape ", input.shape(),
             " is not [N, C, *spatial] for a ", spatial, "-d kernel");
  const Tensor x = batched ? input : input.unsqueeze(0);
  const int64_t groups = options.groups;
  const int64_t channels = x.size(1), out_channels = weight.size(0);
  KILN_CHECK(groups >= 1 && channels % groups == 0 && out_channels % groups == 0 &&
                 weight.size(1) == channels / groups,
             "conv: input with ", channels, " channels, weight of shape ", weight.shape(),
             " and groups ", groups, " do not fit");
  std::vector<int64_t> kernel(weight.shape().begin() + 2, weight.shape().end());
  const auto stride = per_dim(options.stride, spatial, "conv", "stride");
  const auto dilation = per_dim(options.dilation, spatial, "conv", "dilation");
  std::vector<std::pair<int64_t, int64_t>> pads(spatial, {0, 0});
  for (int i = 0; i < spatial; ++i) {
    const int64_t total = dilation[i] * (kernel[i] - 1);
    switch (options.mode) {
      case PaddingMode::Explicit: {
        const int64_t p = per_dim(options.padding, spatial, "conv", "padding")[i];
        pads[i] = {p, p};
        break;
      }
      case PaddingMode::Same:
        KILN_CHECK(stride[i] == 1, "conv: padding 'same' needs stride 1, got ", stride[i]);
        pads[i] = {total / 2, total - total / 2};
        break;
      case PaddingMode::Valid:
        break;
      case PaddingMode::Causal:
        pads[i] = {total, 0};
        break;
    }
  }
  // im2col: [N, C, *out, *kernel], then per group [N, g, prod(out), C/g * prod(kernel)].
  const Tensor cols = windows(pad(x, pads, options.padding_mode), kernel, stride, dilation);
  Shape out_spatial(cols.shape().span().subspan(2, spatial));
  Dims order = {0};
  for (int i = 0; i < spatial; ++i) order.push_back(2 + i);
  order.push_back(1);
  for (int i = 0; i < spatial; ++i) order.push_back(2 + spatial + i);
  int64_t positions = 1;
  for (int64_t size : out_spatial) positions *= size;
  // [g, N * positions, C/g * prod(kernel)]: the samples folded into the rows, so that the
  // filters' gradient is one GEMM per group, not one per sample summed afterwards (which
  // materialised N copies of it: half of iTransformer's training step).
  const Tensor patches =
      cols.permute(order).reshape({x.size(0) * positions, groups, -1}).transpose(0, 1);
  const Tensor filters = weight.reshape({groups, out_channels / groups, -1});
  // [g, N * positions, O/g] -> [N, g, O/g, positions] -> [N, O, *out]
  Tensor out = patches.matmul(filters.transpose(-1, -2))
                   .view({groups, x.size(0), positions, out_channels / groups})
                   .permute({1, 0, 3, 2});
  Shape shape = {x.size(0), out_channels};
  for (int64_t size : out_spatial) shape.push_back(size);
  out = out.reshape(shape);
  if (bias.defined()) {
    Shape bias_shape = Shape::filled(spatial + 2, 1);
    bias_shape[1] = out_channels;
    out = out + bias.view(bias_shape);
  }
  return batched ? out : out.squeeze(0);
}

Tensor conv_transpose(const Tensor& input, const Tensor& weight, const Tensor& bias,
                      const ConvTransposeOptions& options) {
  const int spatial = weight.dim() - 2;
  KILN_CHECK(spatial >= 1 && spatial <= 2, "conv_transpose: weight of shape ", weight.shape(),
             " is not [C_in, C_out / groups, *kernel] with 1 or 2 kernel dims");
  const bool batched = input.dim() == spatial + 2;
  KILN_CHECK(batched || input.dim() == spatial + 1, "conv_transpose: input of shape ",
             input.shape(), " does not fit a ", spatial, "-d kernel");
  const Tensor x = batched ? input : input.unsqueeze(0);
  const int64_t groups = options.groups;
  KILN_CHECK(groups >= 1 && x.size(1) == weight.size(0) && weight.size(0) % groups == 0,
             "conv_transpose: input with ", x.size(1), " channels, weight of shape ",
             weight.shape(), " and groups ", groups, " do not fit");
  const auto stride = per_dim(options.stride, spatial, "conv_transpose", "stride");
  const auto padding = per_dim(options.padding, spatial, "conv_transpose", "padding");
  const auto output_padding =
      per_dim(options.output_padding, spatial, "conv_transpose", "output_padding");
  const auto dilation = per_dim(options.dilation, spatial, "conv_transpose", "dilation");
  // A stride-1 conv of the input with stride - 1 zeros between elements, padded by
  // dilation (k - 1) - padding (negative: cropped), with the kernel flipped and its
  // in/out channels swapped per group.
  Tensor expanded = x;
  for (int i = 0; i < spatial; ++i) {
    const int d = 2 + i;
    KILN_CHECK(output_padding[i] < std::max(stride[i], dilation[i]),
               "conv_transpose: output_padding must be smaller than stride or dilation");
    if (stride[i] == 1) continue;
    Shape shape = expanded.shape();
    shape[d] = (shape[d] - 1) * stride[i] + 1;
    expanded = autograd::scatter_into_zeros(
        expanded, shape, d, autograd::index_range(0, expanded.size(d), stride[i], x.device()));
  }
  // output_padding more on the right.
  std::vector<std::pair<int64_t, int64_t>> pads(spatial);
  for (int i = 0; i < spatial; ++i) {
    const int64_t side = dilation[i] * (weight.size(2 + i) - 1) - padding[i];
    pads[i] = {side, side + output_padding[i]};
  }
  const Tensor padded = pad(expanded, pads);
  const int64_t in_per_group = weight.size(0) / groups, out_per_group = weight.size(1);
  Shape grouped = {groups, in_per_group, out_per_group};
  Shape swapped = {groups * out_per_group, in_per_group};
  for (int i = 0; i < spatial; ++i) {
    grouped.push_back(weight.size(2 + i));
    swapped.push_back(weight.size(2 + i));
  }
  Tensor filters = weight.reshape(grouped).transpose(1, 2).reshape(swapped);
  for (int i = 0; i < spatial; ++i) filters = autograd::flip(filters, 2 + i);
  const Tensor out = conv(padded, filters, bias,
                          {.stride = {1},
                           .padding = {0},
                           .dilation = dilation,
                           .groups = groups,
                           .mode = PaddingMode::Valid});
  return batched ? out : out.squeeze(0);
}

namespace {

struct PoolGeometry {
  std::vector<int64_t> kernel, stride, dilation;
  std::vector<std::pair<int64_t, int64_t>> explicit_pads, extra_pads;
};

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

// PyTorch's output size: floor or ceil of (L + 2p - d (k - 1) - 1) / s + 1, where a last
// window starting in the right padding is dropped; extra right padding makes unfold see it.
PoolGeometry pool_geometry(const Tensor& input, const PoolOptions& o, const char* op) {
  const size_t spatial = o.kernel.size();
  KILN_CHECK(spatial >= 1 && spatial <= 2 && input.dim() >= static_cast<int>(spatial) + 1, op,
             ": kernel of ", spatial, " dims for an input of shape ", input.shape());
  PoolGeometry g{o.kernel,
                 per_dim(o.stride.empty() ? o.kernel : o.stride, spatial, op, "stride"),
                 per_dim(o.dilation, spatial, op, "dilation"),
                 {},
                 {}};
  const auto padding = per_dim(o.padding, spatial, op, "padding");
  for (size_t i = 0; i < spatial; ++i) {
    const int64_t length = input.size(input.dim() - spatial + i);
    KILN_CHECK(padding[i] >= 0 && 2 * padding[i] <= g.kernel[i], op, ": padding ", padding[i],
               " must be at most half the kernel ", g.kernel[i]);
    const int64_t span = g.dilation[i] * (g.kernel[i] - 1) + 1;
    const int64_t room = length + 2 * padding[i] - span + (o.ceil_mode ? g.stride[i] - 1 : 0);
    int64_t out = floor_div(room, g.stride[i]) + 1;
    if (o.ceil_mode && (out - 1) * g.stride[i] >= length + padding[i]) --out;
    KILN_CHECK(out >= 1, op, ": input size ", length, " with padding ", padding[i],
               " is smaller than the window ", span);
    const int64_t needed = (out - 1) * g.stride[i] + span;
    g.explicit_pads.emplace_back(padding[i], padding[i]);
    g.extra_pads.emplace_back(0, std::max<int64_t>(needed - length - 2 * padding[i], 0));
  }
  return g;
}

// Windows flattened into the last dim: [..., *out, prod(kernel)].
Tensor flat_windows(const Tensor& padded, const PoolGeometry& g) {
  const Tensor w = windows(padded, g.kernel, g.stride, g.dilation);
  return w.flatten(w.dim() - static_cast<int>(g.kernel.size()), -1);
}

Tensor pad_both(const Tensor& x, const PoolGeometry& g, double explicit_value, double extra_value) {
  return pad(pad(x, g.explicit_pads, explicit_value), g.extra_pads, extra_value);
}

// Where each window's maximum is, as an int64 index into the flattened input plane
// [..., *out]: the first maximum in window order, as PyTorch; where all of a window's
// inputs are -inf and so tie with its padding, its first input, as PyTorch too.
Tensor max_indices(const Tensor& input, const PoolGeometry& g) {
  constexpr double kLowest = -std::numeric_limits<double>::infinity();
  // Only where the maxima are is needed here, so the padded copy records no graph.
  const Tensor padded = pad_both(input.detach(), g, kLowest, kLowest);
  const Tensor picked = argmax(flat_windows(padded, g), -1);
  // The windows of the plane's own indices, [*out, prod(kernel)]; padding holds `plane`,
  // past every index, and a window's first input holds its smallest index.
  const Shape spatial(input.shape().span().last(g.kernel.size()));
  const int64_t plane = spatial.product();
  const Tensor plane_indices = arange(plane, {.dtype = kInt64, .device = input.device()});
  const Tensor positions =
      flat_windows(pad_both(plane_indices.reshape(spatial), g, plane, plane), g);
  Shape expanded = picked.shape();
  expanded.push_back(positions.size(-1));
  const Tensor index = gather(positions.expand(expanded), -1, picked.unsqueeze(-1)).squeeze(-1);
  return where(lt(index, plane), index, amin(positions, {-1}));
}

}  // namespace

Tensor max_pool(const Tensor& input, const PoolOptions& options) {
  return max_pool_with_indices(input, options).first;
}

std::pair<Tensor, Tensor> max_pool_with_indices(const Tensor& input, const PoolOptions& options) {
  const PoolGeometry g = pool_geometry(input, options, "max_pool");
  const Tensor indices = max_indices(input, g);
  // The values gathered at the indices, so that each gradient goes to its index.
  const int first = input.dim() - static_cast<int>(g.kernel.size());
  const Tensor values = gather(input.flatten(first, -1), -1, indices.flatten(first, -1));
  return {values.reshape(indices.shape()), indices};
}

Tensor avg_pool(const Tensor& input, const PoolOptions& options) {
  KILN_CHECK(options.dilation.size() == 1 && options.dilation[0] == 1,
             "avg_pool: dilation is not supported");
  KILN_CHECK(!options.divisor_override || *options.divisor_override != 0,
             "avg_pool: divisor_override must not be 0");
  const PoolGeometry g = pool_geometry(input, options, "avg_pool");
  const Tensor sums = flat_windows(pad_both(input, g, 0, 0), g).sum({-1});
  if (options.divisor_override) return sums / static_cast<double>(*options.divisor_override);
  // The divisor counts the input elements in each window, and the explicit padding too with
  // count_include_pad; never the extra padding of ceil_mode.
  Shape spatial_shape(input.shape().span().last(g.kernel.size()));
  const Tensor ones_in = ones(spatial_shape, {.dtype = input.dtype(), .device = input.device()});
  const Tensor counts =
      flat_windows(pad_both(ones_in, g, options.count_include_pad ? 1 : 0, 0), g).sum({-1});
  return sums / counts;
}

Tensor adaptive_avg_pool(const Tensor& input, const std::vector<int64_t>& output_size) {
  const int spatial = static_cast<int>(output_size.size());
  KILN_CHECK(spatial >= 1 && spatial <= 2 && input.dim() >= spatial + 1,
             "adaptive_avg_pool: output size of ", spatial, " dims for an input of shape ",
             input.shape());
  Tensor out = input;
  for (int i = 0; i < spatial; ++i) {
    const int d = input.dim() - spatial + i;
    const int64_t length = input.size(d), size = output_size[i];
    KILN_CHECK(size > 0, "adaptive_avg_pool: output size must be positive, got ", size);
    std::vector<Tensor> cells;
    for (int64_t j = 0; j < size; ++j) {
      const int64_t start = j * length / size;
      const int64_t end = ((j + 1) * length + size - 1) / size;
      cells.push_back(out.narrow(d, start, end - start).mean({d}, true));
    }
    out = cat(cells, d);
  }
  return out;
}

namespace {

// PyTorch's _unpool_output_size: (L - 1) stride - 2 padding + kernel per spatial dim, or the
// requested size where it lies strictly within stride of that.
Shape unpool_size(const Tensor& input, const UnpoolOptions& o) {
  const size_t spatial = o.kernel.size();
  KILN_CHECK(spatial >= 1 && spatial <= 2 && input.dim() >= static_cast<int>(spatial) + 1,
             "max_unpool: kernel of ", spatial, " dims for an input of shape ", input.shape());
  const auto stride =
      per_dim(o.stride.empty() ? o.kernel : o.stride, spatial, "max_unpool", "stride");
  const auto padding = per_dim(o.padding, spatial, "max_unpool", "padding");
  std::vector<int64_t> requested = o.output_size;
  if (requested.size() == spatial + 2) requested.erase(requested.begin(), requested.begin() + 2);
  KILN_CHECK(requested.empty() || requested.size() == spatial, "max_unpool: output_size needs ",
             spatial, " or ", spatial + 2, " values, got ", o.output_size.size());
  Shape size;
  for (size_t i = 0; i < spatial; ++i) {
    const int64_t length = input.size(input.dim() - spatial + i);
    const int64_t standard = (length - 1) * stride[i] - 2 * padding[i] + o.kernel[i];
    const int64_t chosen = requested.empty() ? standard : requested[i];
    KILN_CHECK(chosen > standard - stride[i] && chosen < standard + stride[i],
               "max_unpool: output_size ", chosen, " of spatial dim ", i, " must lie between ",
               standard - stride[i], " and ", standard + stride[i], ", exclusive");
    size.push_back(chosen);
  }
  return size;
}

}  // namespace

Tensor max_unpool(const Tensor& input, const Tensor& indices, const UnpoolOptions& options) {
  KILN_CHECK(indices.dtype() == kInt64, "max_unpool: indices must be int64, got ", indices.dtype());
  KILN_CHECK(indices.shape() == input.shape(), "max_unpool: indices of shape ", indices.shape(),
             " differ from the input's ", input.shape());
  const Shape spatial = unpool_size(input, options);
  const int64_t plane = spatial.product();
  KILN_CHECK(all(logical_and(ge(indices, 0), lt(indices, plane))).item<bool>(),
             "max_unpool: an index is outside [0, ", plane, "), the output plane of shape ",
             spatial);
  // Planes flattened: [..., L_in] values scattered into [..., plane] zeros.
  const int first = input.dim() - static_cast<int>(spatial.size());
  Shape out_shape(input.shape().span().first(first));
  Shape flat_shape = out_shape;
  flat_shape.push_back(plane);
  for (int64_t size : spatial) out_shape.push_back(size);
  const Tensor base = zeros(flat_shape, {.dtype = input.dtype(), .device = input.device()});
  return scatter(base, -1, indices.flatten(first, -1), input.flatten(first, -1)).reshape(out_shape);
}

}  // namespace kiln::nn::functional
