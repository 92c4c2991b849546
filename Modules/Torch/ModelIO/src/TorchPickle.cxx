#include "skipseg/model/TorchPickle.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

namespace skipseg::model {
namespace {

PickleValuePtr make(PickleValue::Kind kind) {
  auto value = std::make_shared<PickleValue>();
  value->kind = kind;
  return value;
}

PickleValuePtr makeString(PickleValue::Kind kind, std::string text) {
  auto value = make(kind);
  value->text = std::move(text);
  return value;
}

// UTF-8 to code points to bytes: what _codecs.encode(text, "latin1") gives for numpy scalars.
std::string latin1Bytes(const std::string& utf8) {
  std::string bytes;
  for (size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    uint32_t code = lead;
    size_t length = 1;
    if (lead >= 0xF0) {
      code = lead & 0x07u, length = 4;
    } else if (lead >= 0xE0) {
      code = lead & 0x0Fu, length = 3;
    } else if (lead >= 0xC0) {
      code = lead & 0x1Fu, length = 2;
    }
    for (size_t k = 1; k < length && i + k < utf8.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3Fu);
    }
    if (code > 0xFF) {
      throw std::runtime_error("latin1 encoding of a character above U+00FF");
    }
    bytes.push_back(static_cast<char>(code));
    i += length;
  }
  return bytes;
}

at::ScalarType storageType(const std::string& name) {
  static const std::map<std::string, at::ScalarType> types{
      {"torch.FloatStorage", at::kFloat},       {"torch.DoubleStorage", at::kDouble}, {"torch.HalfStorage", at::kHalf},
      {"torch.BFloat16Storage", at::kBFloat16}, {"torch.LongStorage", at::kLong},     {"torch.IntStorage", at::kInt},
      {"torch.ShortStorage", at::kShort},       {"torch.CharStorage", at::kChar},     {"torch.ByteStorage", at::kByte},
      {"torch.BoolStorage", at::kBool}};
  const auto found = types.find(name);
  if (found == types.end()) {
    throw std::runtime_error("unsupported storage type " + name);
  }
  return found->second;
}

// numpy.core.multiarray.scalar(dtype, bytes) for the dtypes that training logs hold.
PickleValuePtr numpyScalar(const PickleValue& dtype, const std::string& bytes) {
  std::string code = dtype.items.empty() ? std::string() : dtype.items.front()->text;
  auto read = [&](auto sample) {
    if (bytes.size() != sizeof(sample)) {
      throw std::runtime_error("numpy scalar of dtype " + code + " with " + std::to_string(bytes.size()) + " bytes");
    }
    std::memcpy(&sample, bytes.data(), sizeof(sample));
    return sample;
  };
  if (code == "f8") {
    auto value = make(PickleValue::Kind::Float);
    value->number = read(double{});
    return value;
  }
  if (code == "f4") {
    auto value = make(PickleValue::Kind::Float);
    value->number = read(float{});
    return value;
  }
  auto integer = make(PickleValue::Kind::Int);
  if (code == "i8" || code == "u8") {
    integer->integer = read(int64_t{});
  } else if (code == "i4") {
    integer->integer = read(int32_t{});
  } else if (code == "u4") {
    integer->integer = read(uint32_t{});
  } else if (code == "i2") {
    integer->integer = read(int16_t{});
  } else if (code == "u2") {
    integer->integer = read(uint16_t{});
  } else if (code == "i1") {
    integer->integer = read(int8_t{});
  } else if (code == "u1") {
    integer->integer = read(uint8_t{});
  } else if (code == "b1") {
    auto boolean = make(PickleValue::Kind::Bool);
    boolean->boolean = read(uint8_t{}) != 0;
    return boolean;
  } else {
    auto opaque = makeString(PickleValue::Kind::Object, "numpy.scalar(" + code + ")");
    return opaque;
  }
  return integer;
}

/// A number written as text (INT, LONG, FLOAT, GET, PUT): all of `text`, or a one-line error.
template <typename TParse>
auto textNumber(const std::string& text, const char* what, TParse parse) -> decltype(parse(text, nullptr)) {
  try {
    size_t used = 0;
    const auto value = parse(text, &used);
    if (used == text.size()) {
      return value;
    }
  } catch (const std::logic_error&) {  // std::invalid_argument, std::out_of_range
  }
  throw std::runtime_error(std::string("malformed ") + what + " \"" + text.substr(0, 40) + "\"");
}

uint64_t memoIndex(const std::string& text) {
  return textNumber(text, "memo index", [](const std::string& digits, size_t* used) {
    if (digits.find('-') != std::string::npos) {
      throw std::invalid_argument("negative");  // std::stoull would wrap it round
    }
    return std::stoull(digits, used);
  });
}

class PickleMachine {
 public:
  PickleMachine(const std::string& bytes, std::function<std::string(const std::string&)> loadStorage,
                std::vector<std::string>* locations)
      : bytes_(bytes), loadStorage_(std::move(loadStorage)), locations_(locations) {}

  PickleValuePtr run() {
    while (true) {
      const auto opcode = static_cast<unsigned char>(byte());
      switch (opcode) {
        case 0x80: byte(); break;                          // PROTO
        case 0x95: fixed(8); break;                        // FRAME
        case '.': return pop();                            // STOP
        case '(': marks_.push_back(stack_.size()); break;  // MARK
        case '0': pop(); break;                            // POP
        case '1': popMark(); break;                        // POP_MARK
        case '2': push(top()); break;                      // DUP
        case 'N': push(make(PickleValue::Kind::None)); break;
        case 0x88: pushBool(true); break;                                   // NEWTRUE
        case 0x89: pushBool(false); break;                                  // NEWFALSE
        case 'J': pushInt(static_cast<int32_t>(unsignedLittle(4))); break;  // BININT
        case 'K': pushInt(static_cast<int64_t>(unsignedLittle(1))); break;  // BININT1
        case 'M': pushInt(static_cast<int64_t>(unsignedLittle(2))); break;  // BININT2
        case 0x8a: pushInt(signedLittle(unsignedLittle(1))); break;         // LONG1
        case 0x8b: pushInt(signedLittle(unsignedLittle(4))); break;         // LONG4
        case 'I': textInteger(); break;                                     // INT
        case 'L': textInteger(); break;                                     // LONG
        case 'G': binaryFloat(); break;                                     // BINFLOAT
        case 'F': {                                                         // FLOAT
          auto value = make(PickleValue::Kind::Float);
          value->number =
              textNumber(line(), "float", [](const std::string& text, size_t* used) { return std::stod(text, used); });
          push(value);
          break;
        }
        case 'X': push(makeString(PickleValue::Kind::String, fixed(unsignedLittle(4)))); break;   // BINUNICODE
        case 0x8c: push(makeString(PickleValue::Kind::String, fixed(unsignedLittle(1)))); break;  // SHORT_BINUNICODE
        case 0x8d: push(makeString(PickleValue::Kind::String, fixed(unsignedLittle(8)))); break;  // BINUNICODE8
        case 'T': push(makeString(PickleValue::Kind::String, fixed(unsignedLittle(4)))); break;   // BINSTRING
        case 'U': push(makeString(PickleValue::Kind::String, fixed(unsignedLittle(1)))); break;   // SHORT_BINSTRING
        case 'B': push(makeString(PickleValue::Kind::Bytes, fixed(unsignedLittle(4)))); break;    // BINBYTES
        case 'C': push(makeString(PickleValue::Kind::Bytes, fixed(unsignedLittle(1)))); break;    // SHORT_BINBYTES
        case 0x8e: push(makeString(PickleValue::Kind::Bytes, fixed(unsignedLittle(8)))); break;   // BINBYTES8
        case 0x96: push(makeString(PickleValue::Kind::Bytes, fixed(unsignedLittle(8)))); break;   // BYTEARRAY8
        case ')': push(make(PickleValue::Kind::Tuple)); break;                                    // EMPTY_TUPLE
        case 't': pushSequence(PickleValue::Kind::Tuple, popMark()); break;
        case 0x85: pushTuple(1); break;
        case 0x86: pushTuple(2); break;
        case 0x87: pushTuple(3); break;
        case ']': push(make(PickleValue::Kind::List)); break;  // EMPTY_LIST
        case 'l': pushSequence(PickleValue::Kind::List, popMark()); break;
        case 0x8f: push(make(PickleValue::Kind::List)); break;               // EMPTY_SET (kept as a list)
        case 0x91: pushSequence(PickleValue::Kind::List, popMark()); break;  // FROZENSET
        case 'a': {                                                          // APPEND
          auto value = pop();
          sequenceTarget().items.push_back(value);
          break;
        }
        case 'e':     // APPENDS
        case 0x90: {  // ADDITEMS
          auto values = popMark();
          auto& target = sequenceTarget();
          target.items.insert(target.items.end(), values.begin(), values.end());
          break;
        }
        case '}': push(make(PickleValue::Kind::Dict)); break;  // EMPTY_DICT
        case 'd': {                                            // DICT
          auto values = popMark();
          auto dict = make(PickleValue::Kind::Dict);
          dict->items = std::move(values);
          push(dict);
          break;
        }
        case 's': {  // SETITEM
          auto value = pop();
          auto key = pop();
          setItem(dictTarget(), key, value);
          break;
        }
        case 'u': {  // SETITEMS
          auto values = popMark();
          auto& dict = dictTarget();
          for (size_t i = 0; i + 1 < values.size(); i += 2) {
            setItem(dict, values[i], values[i + 1]);
          }
          break;
        }
        case 'h': push(memo(unsignedLittle(1))); break;     // BINGET
        case 'j': push(memo(unsignedLittle(4))); break;     // LONG_BINGET
        case 'g': push(memo(memoIndex(line()))); break;     // GET
        case 'q': memo_[unsignedLittle(1)] = top(); break;  // BINPUT
        case 'r': memo_[unsignedLittle(4)] = top(); break;  // LONG_BINPUT
        case 'p': memo_[memoIndex(line())] = top(); break;  // PUT
        case 0x94: memo_[memo_.size()] = top(); break;      // MEMOIZE
        case 'c': {                                         // GLOBAL
          auto module = line();
          auto name = line();
          push(makeString(PickleValue::Kind::Global, module + "." + name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          auto name = pop();
          auto module = pop();
          push(makeString(PickleValue::Kind::Global, module->text + "." + name->text));
          break;
        }
        case 'R': {  // REDUCE
          auto arguments = pop();
          auto callable = pop();
          push(call(*callable, arguments->items));
          break;
        }
        case 0x81: {  // NEWOBJ
          auto arguments = pop();
          auto type = pop();
          push(opaque(*type, arguments->items));
          break;
        }
        case 0x92: {  // NEWOBJ_EX
          pop();
          auto arguments = pop();
          auto type = pop();
          push(opaque(*type, arguments->items));
          break;
        }
        case 'b': {  // BUILD
          auto state = pop();
          auto& target = *top();
          if (target.kind == PickleValue::Kind::Object) {
            target.state = state;
          }
          break;
        }
        case 'Q': push(persistent(pop())); break;  // BINPERSID
        default: {
          char code[8];
          std::snprintf(code, sizeof(code), "0x%02x", opcode);
          throw std::runtime_error(std::string("unsupported pickle opcode ") + code + " at byte " +
                                   std::to_string(position_ - 1));
        }
      }
    }
  }

 private:
  char byte() {
    if (position_ >= bytes_.size()) {
      throw std::runtime_error("the pickle ends early");
    }
    return bytes_[position_++];
  }
  std::string fixed(uint64_t count) {
    if (count > bytes_.size() - position_) {
      throw std::runtime_error("the pickle ends early");
    }
    std::string text = bytes_.substr(position_, count);
    position_ += count;
    return text;
  }
  uint64_t unsignedLittle(int count) {
    const auto raw = fixed(static_cast<uint64_t>(count));
    uint64_t value = 0;
    for (int i = count - 1; i >= 0; --i) {
      value = (value << 8) | static_cast<unsigned char>(raw[static_cast<size_t>(i)]);
    }
    return value;
  }
  int64_t signedLittle(uint64_t count) {
    if (count > 8) {
      throw std::runtime_error("integer wider than 64 bits");
    }
    if (count == 0) {
      return 0;
    }
    const auto raw = fixed(count);
    uint64_t value = 0;
    for (size_t i = count; i-- > 0;) {
      value = (value << 8) | static_cast<unsigned char>(raw[i]);
    }
    if (count < 8 && (static_cast<unsigned char>(raw[count - 1]) & 0x80u)) {
      value |= ~uint64_t{0} << (8 * count);  // sign-extend two's complement
    }
    return static_cast<int64_t>(value);
  }
  std::string line() {
    const auto end = bytes_.find('\n', position_);
    if (end == std::string::npos) {
      throw std::runtime_error("the pickle ends early");
    }
    std::string text = bytes_.substr(position_, end - position_);
    position_ = end + 1;
    return text;
  }
  void textInteger() {
    auto text = line();
    if (!text.empty() && text.back() == 'L') {
      text.pop_back();
    }
    if (text == "00" || text == "01") {
      pushBool(text == "01");
    } else {
      pushInt(textNumber(text, "integer",
                         [](const std::string& digits, size_t* used) { return std::stoll(digits, used); }));
    }
  }
  void binaryFloat() {
    const auto raw = fixed(8);
    uint64_t bits = 0;
    for (const char c : raw) {
      bits = (bits << 8) | static_cast<unsigned char>(c);  // big-endian
    }
    auto value = make(PickleValue::Kind::Float);
    std::memcpy(&value->number, &bits, sizeof(bits));
    push(value);
  }

  void push(PickleValuePtr value) { stack_.push_back(std::move(value)); }
  void pushBool(bool flag) {
    auto value = make(PickleValue::Kind::Bool);
    value->boolean = flag;
    push(value);
  }
  void pushInt(int64_t number) {
    auto value = make(PickleValue::Kind::Int);
    value->integer = number;
    push(value);
  }
  PickleValuePtr pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) {
      throw std::runtime_error("pickle stack underflow");
    }
    auto value = stack_.back();
    stack_.pop_back();
    return value;
  }
  const PickleValuePtr& top() const {
    if (stack_.empty()) {
      throw std::runtime_error("pickle stack underflow");
    }
    return stack_.back();
  }
  std::vector<PickleValuePtr> popMark() {
    if (marks_.empty()) {
      throw std::runtime_error("pickle MARK missing");
    }
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<PickleValuePtr> values(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return values;
  }
  void pushSequence(PickleValue::Kind kind, std::vector<PickleValuePtr> values) {
    auto sequence = make(kind);
    sequence->items = std::move(values);
    push(sequence);
  }
  void pushTuple(size_t count) {
    std::vector<PickleValuePtr> values(count);
    for (size_t i = count; i-- > 0;) {
      values[i] = pop();
    }
    pushSequence(PickleValue::Kind::Tuple, std::move(values));
  }
  PickleValue& sequenceTarget() {
    auto& target = *top();
    if (target.kind != PickleValue::Kind::List && target.kind != PickleValue::Kind::Object) {
      throw std::runtime_error("APPEND to a " + target.typeName());
    }
    return target;
  }
  PickleValue& dictTarget() {
    auto& target = *top();
    if (target.kind != PickleValue::Kind::Dict && target.kind != PickleValue::Kind::Object) {
      throw std::runtime_error("SETITEM on a " + target.typeName());
    }
    return target;
  }
  static void setItem(PickleValue& dict, const PickleValuePtr& key, const PickleValuePtr& value) {
    dict.items.push_back(key);
    dict.items.push_back(value);
  }
  PickleValuePtr memo(uint64_t index) const {
    const auto found = memo_.find(index);
    if (found == memo_.end()) {
      throw std::runtime_error("pickle memo entry " + std::to_string(index) + " missing");
    }
    return found->second;
  }

  static PickleValuePtr opaque(const PickleValue& type, std::vector<PickleValuePtr> arguments) {
    auto object = makeString(PickleValue::Kind::Object, type.text);
    object->items = std::move(arguments);
    return object;
  }

  PickleValuePtr call(const PickleValue& callable, const std::vector<PickleValuePtr>& arguments) {
    const std::string& name = callable.text;
    auto argument = [&](size_t index) -> const PickleValue& {
      if (index >= arguments.size()) {
        throw std::runtime_error(name + " called with too few arguments");
      }
      return *arguments[index];
    };
    if (name == "collections.OrderedDict" || name == "builtins.dict") {
      auto dict = make(PickleValue::Kind::Dict);
      if (!arguments.empty()) {
        for (const auto& pair : arguments.front()->items) {
          dict->items.insert(dict->items.end(), pair->items.begin(), pair->items.end());
        }
      }
      return dict;
    }
    if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
      const auto& storage = argument(0);
      const auto offset = argument(1).integer;
      std::vector<int64_t> size, stride;
      for (const auto& entry : argument(2).items) {
        size.push_back(entry->integer);
      }
      for (const auto& entry : argument(3).items) {
        stride.push_back(entry->integer);
      }
      auto tensor = make(PickleValue::Kind::Tensor);
      tensor->tensor = storage.tensor.as_strided(size, stride, offset).clone();
      return tensor;
    }
    if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
      return arguments.at(0);
    }
    if (name == "torch.device") {
      std::string device = argument(0).text;
      if (arguments.size() > 1 && arguments[1]->kind == PickleValue::Kind::Int) {
        device += ":" + std::to_string(arguments[1]->integer);
      }
      return makeString(PickleValue::Kind::Device, device);
    }
    if (name == "_codecs.encode") {
      return makeString(PickleValue::Kind::Bytes, latin1Bytes(argument(0).text));
    }
    if (name == "numpy.core.multiarray.scalar" || name == "numpy._core.multiarray.scalar") {
      return numpyScalar(argument(0), argument(1).text);
    }
    if (name == "builtins.set" || name == "builtins.frozenset" || name == "builtins.list" || name == "builtins.tuple") {
      auto list = make(PickleValue::Kind::List);
      if (!arguments.empty()) {
        list->items = arguments.front()->items;
      }
      return list;
    }
    return opaque(callable, arguments);  // numpy.dtype, optimizer state classes, anything else
  }

  // ('storage', storage class, key, location, numel) -> a flat tensor of the storage's elements.
  PickleValuePtr persistent(const PickleValuePtr& id) {
    if (id->kind != PickleValue::Kind::Tuple || id->items.size() < 4 || id->items[0]->text != "storage") {
      throw std::runtime_error("unsupported persistent id (expected a storage tuple)");
    }
    const std::string& key = id->items[2]->text;
    const std::string& location = id->items[3]->text;
    if (locations_ && std::find(locations_->begin(), locations_->end(), location) == locations_->end()) {
      locations_->push_back(location);
    }
    auto& cached = storages_[key];
    if (!cached) {
      const auto type = storageType(id->items[1]->text);
      const std::string raw = loadStorage_(key);
      const auto elementSize = static_cast<int64_t>(c10::elementSize(type));
      if (raw.size() % static_cast<size_t>(elementSize) != 0) {
        throw std::runtime_error("storage " + key + " has " + std::to_string(raw.size()) +
                                 " bytes, not a multiple of its element size");
      }
      auto tensor = at::empty({static_cast<int64_t>(raw.size()) / elementSize}, at::TensorOptions().dtype(type));
      if (!raw.empty()) {
        std::memcpy(tensor.data_ptr(), raw.data(), raw.size());
      }
      cached = make(PickleValue::Kind::Tensor);
      cached->tensor = tensor;
    }
    return cached;
  }

  const std::string& bytes_;
  size_t position_ = 0;
  std::function<std::string(const std::string&)> loadStorage_;
  std::vector<std::string>* locations_;
  std::vector<PickleValuePtr> stack_;
  std::vector<size_t> marks_;
  std::map<uint64_t, PickleValuePtr> memo_;
  std::map<std::string, PickleValuePtr> storages_;
};

std::string recordText(caffe2::serialize::PyTorchStreamReader& reader, const std::string& name) {
  at::DataPtr data;
  size_t size = 0;
  std::tie(data, size) = reader.getRecord(name);
  return std::string(static_cast<const char*>(data.get()), size);
}

}  // namespace

const PickleValue* PickleValue::find(const std::string& key) const {
  if (kind != Kind::Dict) {
    return nullptr;
  }
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i]->kind == Kind::String && items[i]->text == key) {
      return items[i + 1].get();
    }
  }
  return nullptr;
}

std::string PickleValue::typeName() const {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Bytes: return "bytes";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Tensor: return "tensor";
    case Kind::Device: return "torch.device";
    case Kind::Global: return "class " + text;
    case Kind::Object: return text;
  }
  return "?";
}

PickleValuePtr runPickle(const std::string& bytes, const std::string& source,
                         const std::function<std::string(const std::string& key)>& loadStorage,
                         std::vector<std::string>* storageLocations) {
  try {
    return PickleMachine(bytes, loadStorage, storageLocations).run();
  } catch (const skipseg::Error&) {
    throw;
  } catch (const std::exception& error) {
    throw badInput(source, std::string("cannot read the checkpoint's pickle: ") + error.what());
  }
}

TorchCheckpoint readTorchCheckpoint(const std::string& path) {
  {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      throw badInput(path, "cannot open the checkpoint");
    }
    char head[2] = {0, 0};
    file.read(head, 2);
    if (file.gcount() == 2 && static_cast<unsigned char>(head[0]) == 0x80) {
      throw unsupported(path, "legacy (pre-1.6) torch.save format; re-save it with a current PyTorch");
    }
    if (file.gcount() < 2 || head[0] != 'P' || head[1] != 'K') {
      throw badInput(path, "not a PyTorch checkpoint (not a zip archive)");
    }
  }
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
  std::string pickle;
  try {
    reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
    if (!reader->hasRecord("data.pkl")) {
      throw badInput(path, "not a PyTorch checkpoint (no data.pkl in the archive)");
    }
    pickle = recordText(*reader, "data.pkl");
  } catch (const skipseg::Error&) {
    throw;
  } catch (const std::exception& error) {
    throw badInput(path, "corrupt checkpoint archive: " + oneLine(std::string(error.what()).substr(0, 200)));
  }
  TorchCheckpoint checkpoint;
  checkpoint.root = runPickle(
      pickle, path,
      [&](const std::string& key) {
        const std::string record = "data/" + key;
        try {
          if (!reader->hasRecord(record)) {
            throw std::runtime_error("storage record " + record + " is missing");
          }
          return recordText(*reader, record);
        } catch (const c10::Error& error) {
          throw std::runtime_error("storage record " + record + " is unreadable");
        }
      },
      &checkpoint.storageLocations);
  return checkpoint;
}

}  // namespace skipseg::model
