#include "tools/pytorch_coverage.h"

#include <map>
#include <set>
#include <sstream>

#include "autograd/registry/op_registry.h"
#include "nn/module_list.h"
#include "optim/schedule_list.h"
#include "tensor/error.h"

namespace kiln::tools {

namespace {

enum class Kind { Op, Module, Schedule };

struct KilnName {
  Kind kind;
  std::string name;
};

KilnName op(std::string name) {
  return {Kind::Op, std::move(name)};
}
KilnName layer(std::string name) {
  return {Kind::Module, std::move(name)};
}

// PyTorch names whose kiln counterpart is named otherwise (an empty list: a different op of
// the same name, so missing); every other name is looked up as it is.
const std::map<std::string, std::vector<KilnName>>& aliases() {
  static const std::map<std::string, std::vector<KilnName>> table = {
      {"F.gelu", {op("gelu_erf"), op("gelu_tanh")}},
      {"F.softplus", {op("softplus"), op("softplus_beta")}},
      {"F.layer_norm", {op("layer_norm"), op("layer_norm_nd")}},
      {"F.batch_norm", {op("batch_norm"), op("batch_norm_training")}},
      {"F.embedding", {op("embedding"), op("embedding_padding")}},
      {"F.max_pool1d", {op("max_pool")}},
      {"F.max_pool2d", {op("max_pool")}},
      {"F.max_pool1d_with_indices", {op("max_pool")}},
      {"F.max_pool2d_with_indices", {op("max_pool")}},
      {"F.max_unpool1d", {op("max_unpool")}},
      {"F.max_unpool2d", {op("max_unpool")}},
      {"F.avg_pool1d", {op("avg_pool")}},
      {"F.avg_pool2d", {op("avg_pool")}},
      {"F.adaptive_avg_pool1d", {op("adaptive_avg_pool")}},
      {"F.adaptive_avg_pool2d", {op("adaptive_avg_pool")}},
      {"F.multi_head_attention_forward", {op("multihead_attention")}},
      {"F.unfold", {}},  // im2col; kiln's unfold is Tensor.unfold's sliding windows
      {"torch.max", {op("max"), op("max_dim")}},
      {"torch.min", {op("min"), op("min_dim")}},
      {"torch.mm", {op("matmul")}},
      {"torch.bmm", {op("matmul")}},
      {"torch.mv", {op("matmul")}},
      {"torch.dot", {op("matmul")}},
      {"torch.var_mean", {op("var"), op("mean")}},
      {"torch.std_mean", {op("std"), op("mean")}},
      {"nn.AdaptiveAvgPool1d", {layer("AdaptiveAvgPool")}},
      {"nn.AdaptiveAvgPool2d", {layer("AdaptiveAvgPool")}},
      {"nn.AvgPool1d", {layer("AvgPool")}},
      {"nn.AvgPool2d", {layer("AvgPool")}},
      {"nn.MaxPool1d", {layer("MaxPool")}},
      {"nn.MaxPool2d", {layer("MaxPool")}},
      {"nn.MaxUnpool1d", {layer("MaxUnpool")}},
      {"nn.MaxUnpool2d", {layer("MaxUnpool")}},
      {"nn.ConstantPad1d", {op("pad")}},
      {"nn.ConstantPad2d", {op("pad")}},
      {"nn.ConstantPad3d", {op("pad")}},
      {"nn.ZeroPad1d", {op("pad")}},
      {"nn.ZeroPad2d", {op("pad")}},
      {"nn.ZeroPad3d", {op("pad")}},
      {"nn.ReflectionPad1d", {op("pad")}},
      {"nn.ReflectionPad2d", {op("pad")}},
      {"nn.ReflectionPad3d", {op("pad")}},
      {"nn.ReplicationPad1d", {op("pad")}},
      {"nn.ReplicationPad2d", {op("pad")}},
      {"nn.ReplicationPad3d", {op("pad")}},
      {"nn.CircularPad1d", {op("pad")}},
      {"nn.CircularPad2d", {op("pad")}},
      {"nn.CircularPad3d", {op("pad")}},
      {"nn.TransformerEncoderLayer",
       {layer("TransformerEncoderLayer"), op("transformer_encoder_layer")}},
      {"nn.TransformerDecoderLayer",
       {layer("TransformerDecoderLayer"), op("transformer_decoder_layer")}},
      {"nn.RNN", {layer("RNN"), op("rnn")}},
      {"nn.LSTM", {layer("LSTM"), op("lstm")}},
      {"nn.GRU", {layer("GRU"), op("gru")}},
      {"nn.RNNCell", {layer("RNNCell"), op("rnn_cell")}},
      {"nn.LSTMCell", {layer("LSTMCell"), op("lstm_cell"), op("lstm_cell_pointwise")}},
      {"nn.GRUCell", {layer("GRUCell"), op("gru_cell")}},
      {"nn.BCELoss", {op("binary_cross_entropy")}},
      {"nn.BCEWithLogitsLoss", {op("binary_cross_entropy_with_logits")}},
      {"nn.CrossEntropyLoss", {op("cross_entropy")}},
      {"nn.GaussianNLLLoss", {op("gaussian_nll_loss")}},
      {"nn.HuberLoss", {op("huber_loss")}},
      {"nn.KLDivLoss", {op("kl_div")}},
      {"nn.L1Loss", {op("l1_loss")}},
      {"nn.MSELoss", {op("mse_loss")}},
      {"nn.NLLLoss", {op("nll_loss")}},
      {"nn.SmoothL1Loss", {op("smooth_l1_loss")}},
  };
  return table;
}

struct KilnNames {
  std::set<std::string> ops, modules, schedules;

  bool has(const KilnName& name) const {
    switch (name.kind) {
      case Kind::Op:
        return ops.contains(name.name);
      case Kind::Module:
        return modules.contains(name.name);
      case Kind::Schedule:
        return schedules.contains(name.name);
    }
    return false;
  }
};

KilnNames kiln_names() {
  KilnNames names;
  for (const auto& entry : autograd::op_registry()) names.ops.insert(entry.name());
  for (const char* name : nn::module_names()) names.modules.insert(name);
  for (const char* name : optim::schedule_names()) names.schedules.insert(name);
  return names;
}

Kind section_kind(const std::string& kind) {
  if (kind == "op") return Kind::Op;
  if (kind == "module") return Kind::Module;
  KILN_CHECK(kind == "schedule", "coverage: unknown section kind '", kind, "'");
  return Kind::Schedule;
}

// kiln's counterparts of a PyTorch name ("F.elu", "nn.Linear"); empty when missing.
std::vector<KilnName> counterparts(const std::string& pytorch, Kind kind, const KilnNames& kiln) {
  const auto alias = aliases().find(pytorch);
  if (alias != aliases().end()) {
    for (const KilnName& name : alias->second) {
      KILN_CHECK(kiln.has(name), "coverage: the alias of ", pytorch, " names '", name.name,
                 "', which kiln does not have");
    }
    return alias->second;
  }
  const KilnName same{kind, pytorch.substr(pytorch.find('.') + 1)};
  if (kiln.has(same)) return {same};
  return {};
}

// `name` in backquotes, layers and schedules with their namespace.
std::string quoted(const std::string& name, const char* prefix = "") {
  std::string out = "`";
  out += prefix;
  out += name;
  out += '`';
  return out;
}

std::string rendered(const KilnName& name) {
  const char* prefix = name.kind == Kind::Module ? "nn::" : "";
  if (name.kind == Kind::Schedule) prefix = "optim::";
  return quoted(name.name, prefix);
}

struct Section {
  std::string title;
  std::vector<std::pair<std::string, std::vector<KilnName>>> rows;
  int present() const {
    int count = 0;
    for (const auto& row : rows) count += !row.second.empty();
    return count;
  }
};

std::vector<Section> sections_of(const nlohmann::json& surface, const KilnNames& kiln) {
  std::vector<Section> sections;
  for (const auto& section : surface.at("sections")) {
    const Kind kind = section_kind(section.at("kind").get<std::string>());
    Section out{section.at("title").get<std::string>(), {}};
    for (const auto& name : section.at("names")) {
      out.rows.emplace_back(name.get<std::string>(), counterparts(name, kind, kiln));
    }
    sections.push_back(std::move(out));
  }
  return sections;
}

void write_summary(std::ostream& out, const std::vector<Section>& sections) {
  int present = 0, listed = 0;
  out << "| section | in kiln | listed |\n|---|---:|---:|\n";
  for (const Section& section : sections) {
    out << "| " << section.title << " | " << section.present() << " | " << section.rows.size()
        << " |\n";
    present += section.present();
    listed += static_cast<int>(section.rows.size());
  }
  out << "| **all** | **" << present << "** | **" << listed << "** |\n\n";
}

void write_section(std::ostream& out, const Section& section) {
  out << "## " << section.title << " (" << section.present() << " of " << section.rows.size()
      << ")\n\n| PyTorch | kiln |\n|---|---|\n";
  for (const auto& [pytorch, kiln] : section.rows) {
    out << "| `" << pytorch << "` | ";
    if (kiln.empty()) out << "missing";
    for (size_t i = 0; i < kiln.size(); ++i) out << (i ? ", " : "") << rendered(kiln[i]);
    out << " |\n";
  }
  out << "\n";
}

// The registry's ops no row names: kiln's own ops (scalar forms, fused pieces).
void write_kiln_only(std::ostream& out, const std::vector<Section>& sections) {
  std::set<std::string> named;
  for (const Section& section : sections) {
    for (const auto& row : section.rows) {
      for (const KilnName& name : row.second) {
        if (name.kind == Kind::Op) named.insert(name.name);
      }
    }
  }
  out << "## kiln ops without a PyTorch name above\n\n"
      << "Registry ops that are forms of a listed op (a scalar operand, an in-place update, a "
         "fused piece) or have no PyTorch function of their own:\n\n";
  bool first = true;
  for (const auto& entry : autograd::op_registry()) {
    if (named.contains(entry.name())) continue;
    out << (first ? "" : ", ") << quoted(entry.name());
    first = false;
  }
  out << "\n";
}

}  // namespace

std::string pytorch_coverage_table(const nlohmann::json& surface) {
  const std::vector<Section> sections = sections_of(surface, kiln_names());
  std::ostringstream out;
  out << "# PyTorch coverage\n\n"
      << "Generated by `kiln coverage` (do not edit): each name of PyTorch "
      << surface.at("torch_version").get<std::string>()
      << " listed in `docs/pytorch-surface.json` (written by `bench/pytorch/pytorch_surface.py`)"
         " beside kiln's counterpart, from the op registry, `nn/module_list.h` and "
         "`optim/schedule_list.h`. Ops are registry names (`kiln verify --op NAME` checks "
         "them), layers `nn::` classes, schedules `optim::` classes.\n\n";
  write_summary(out, sections);
  for (const Section& section : sections) write_section(out, section);
  write_kiln_only(out, sections);
  return out.str();
}

std::vector<std::string> registry_ops_missing_from(const std::string& table) {
  std::vector<std::string> missing;
  for (const auto& entry : autograd::op_registry()) {
    if (table.find(quoted(entry.name())) == std::string::npos) {
      missing.push_back(entry.name());
    }
  }
  return missing;
}

}  // namespace kiln::tools
