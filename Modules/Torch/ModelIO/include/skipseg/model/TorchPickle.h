#pragma once
// Reads what torch.save() writes (the zip format of PyTorch >= 1.6: "<name>/data.pkl" plus one record
// per storage) without Python. A small pickle machine runs the opcodes of protocols 2 to 5 and
// rebuilds what checkpoints hold: tensors (torch._utils._rebuild_tensor_v2 / _rebuild_parameter over
// persistent-id storages; every storage location, "cuda:0" included, is loaded to the CPU), dicts and
// OrderedDicts, lists, tuples, numbers, strings, bytes, numpy scalars (numpy.core.multiarray.scalar
// with numpy.dtype and _codecs.encode bytes) and torch.device. Anything else (optimizer classes,
// arbitrary objects) is kept as an opaque value naming its Python class, so that a checkpoint full of
// training state still loads and its network weights can be taken out.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace skipseg::model {

struct PickleValue;
using PickleValuePtr = std::shared_ptr<PickleValue>;

struct PickleValue {
  enum class Kind { None, Bool, Int, Float, String, Bytes, Tuple, List, Dict, Tensor, Device, Global, Object };
  Kind kind = Kind::None;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  /// String and Bytes: the contents; Device: "cpu", "cuda:0"; Global and Object: "module.name" of the class.
  std::string text;
  /// Tuple and List: the elements; Dict: keys and values alternating; Object: the call's arguments.
  std::vector<PickleValuePtr> items;
  PickleValuePtr state;  ///< Object: what BUILD set on it (may be null)
  at::Tensor tensor;

  /// Dict: the value for a string key, or nullptr.
  const PickleValue* find(const std::string& key) const;
  /// "dict", "tensor", "numpy.dtype", ... for error messages.
  std::string typeName() const;
};

struct TorchCheckpoint {
  PickleValuePtr root;
  std::vector<std::string> storageLocations;  ///< the distinct locations the file recorded ("cpu", "cuda:0")
};

/// Reads a torch.save() zip file. Throws BadInput naming `path` (not a zip, no data.pkl, a pickle it
/// cannot run, a missing storage record) or Unsupported (the legacy pre-1.6 format).
TorchCheckpoint readTorchCheckpoint(const std::string& path);

/// Runs a pickle over the given storage loader; exposed for tests of the pickle machine. `loadStorage`
/// receives the storage key and returns its bytes.
PickleValuePtr runPickle(const std::string& bytes, const std::string& source,
                         const std::function<std::string(const std::string& key)>& loadStorage,
                         std::vector<std::string>* storageLocations = nullptr);

}  // namespace skipseg::model
