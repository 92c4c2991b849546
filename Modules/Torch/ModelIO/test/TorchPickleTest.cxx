// The pickle machine on hand-assembled pickles: every opcode it runs, the memo, MARK, the calls it
// understands, and one-line BadInput errors for pickles it cannot run (truncated, stack underflow,
// unknown opcode, missing memo entry or MARK, malformed text numbers).
#include "skipseg/model/TorchPickle.h"

#include "skipseg/core/Error.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>

namespace skipseg::model {
namespace {

using Kind = PickleValue::Kind;

// --- a tiny pickle assembler -------------------------------------------------------------------------

std::string op(unsigned char code) {
  return std::string(1, static_cast<char>(code));
}

std::string little(uint64_t value, int bytes) {
  std::string raw;
  for (int i = 0; i < bytes; ++i) {
    raw.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
  }
  return raw;
}

std::string shortUnicode(const std::string& text) {
  return op(0x8c) + little(text.size(), 1) + text;
}

std::string binint1(unsigned value) {
  return "K" + little(value, 1);
}

/// STACK_GLOBAL of module.name.
std::string global(const std::string& module, const std::string& name) {
  return shortUnicode(module) + shortUnicode(name) + op(0x93);
}

std::string protocol(int version) {
  return op(0x80) + little(static_cast<uint64_t>(version), 1);
}

std::string noStorage(const std::string& key) {
  throw std::runtime_error("unexpected storage " + key);
}

PickleValuePtr run(const std::string& body, int version = 2) {
  return runPickle(protocol(version) + body + ".", "test.pkl", noStorage);
}

/// Runs `body` as one list (MARK ... LIST) and returns its items.
std::vector<PickleValuePtr> runList(const std::string& body) {
  const PickleValuePtr list = run("(" + body + "l");
  EXPECT_EQ(list->kind, Kind::List);
  return list->items;
}

// --- values ------------------------------------------------------------------------------------------

TEST(TorchPickle, NumbersInEveryEncoding) {
  const double binaryFloat = 1.5;  // BINFLOAT is big-endian
  uint64_t bits = 0;
  std::memcpy(&bits, &binaryFloat, sizeof(bits));
  std::string bigEndian;
  for (int i = 7; i >= 0; --i) bigEndian.push_back(static_cast<char>((bits >> (8 * i)) & 0xffu));

  const auto items =
      runList(binint1(200) + "M" + little(60000, 2) + "J" + little(static_cast<uint32_t>(-7), 4) + op(0x8a) +
              little(1, 1) + little(0xfe, 1) +                 // LONG1 -2
              op(0x8a) + little(0, 1) +                        // LONG1 0
              op(0x8b) + little(3, 4) + little(0x123456, 3) +  // LONG4 1193046
              "I42\n" + "L-123L\n" + "I01\n" + "I00\n" + "G" + bigEndian + "F2.25\n" + op(0x88) + op(0x89) + "N");
  ASSERT_EQ(items.size(), 15u);
  const std::vector<int64_t> integers{200, 60000, -7, -2, 0, 1193046, 42, -123};
  for (size_t i = 0; i < integers.size(); ++i) {
    EXPECT_EQ(items[i]->kind, Kind::Int) << i;
    EXPECT_EQ(items[i]->integer, integers[i]) << i;
  }
  EXPECT_EQ(items[8]->kind, Kind::Bool);  // protocol 0's INT 01 / 00 are True / False
  EXPECT_TRUE(items[8]->boolean);
  EXPECT_FALSE(items[9]->boolean);
  EXPECT_EQ(items[10]->kind, Kind::Float);
  EXPECT_EQ(items[10]->number, 1.5);
  EXPECT_EQ(items[11]->number, 2.25);
  EXPECT_TRUE(items[12]->boolean);
  EXPECT_EQ(items[13]->kind, Kind::Bool);
  EXPECT_FALSE(items[13]->boolean);
  EXPECT_EQ(items[14]->kind, Kind::None);
}

TEST(TorchPickle, StringsAndBytesInEveryEncoding) {
  const auto items =
      runList(shortUnicode("short") + "X" + little(4, 4) + "long" + op(0x8d) + little(5, 8) + "huge!" + "U" +
              little(2, 1) + "ab" + "T" + little(3, 4) + "abc" + "C" + little(2, 1) + std::string("\x00\x01", 2) + "B" +
              little(1, 4) + "z" + op(0x8e) + little(2, 8) + "yy" + op(0x96) + little(1, 8) + "w");
  const std::vector<Kind> expected{Kind::String, Kind::String, Kind::String, Kind::String, Kind::String,
                                   Kind::Bytes,  Kind::Bytes,  Kind::Bytes,  Kind::Bytes};
  ASSERT_EQ(items.size(), expected.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i]->kind, expected[i]) << i;
  }
  EXPECT_EQ(items[4]->text, "abc");
  EXPECT_EQ(items[0]->text, "short");
  EXPECT_EQ(items[2]->text, "huge!");
  EXPECT_EQ(items[5]->text, std::string("\x00\x01", 2));
  EXPECT_EQ(items[8]->text, "w");
}

TEST(TorchPickle, TuplesListsAndSets) {
  const auto items = runList(")" + binint1(1) + op(0x85) + binint1(1) + binint1(2) + op(0x86) + binint1(1) +
                             binint1(2) + binint1(3) + op(0x87) + "(" + binint1(4) + binint1(5) + "t" +  // MARK TUPLE
                             "]" + binint1(6) + "a" + "(" + binint1(7) + binint1(8) + "e" +              // APPEND(S)
                             op(0x8f) + "(" + binint1(9) + op(0x90) +                                    // ADDITEMS
                             "(" + binint1(10) + op(0x91));                                              // FROZENSET
  ASSERT_EQ(items.size(), 8u);
  const std::vector<std::pair<Kind, size_t>> shapes{{Kind::Tuple, 0}, {Kind::Tuple, 1}, {Kind::Tuple, 2},
                                                    {Kind::Tuple, 3}, {Kind::Tuple, 2}, {Kind::List, 3},
                                                    {Kind::List, 1},  {Kind::List, 1}};
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i]->kind, shapes[i].first) << i;
    EXPECT_EQ(items[i]->items.size(), shapes[i].second) << i;
  }
  EXPECT_EQ(items[3]->items[2]->integer, 3);
  EXPECT_EQ(items[4]->items[1]->integer, 5);
  EXPECT_EQ(items[5]->items[0]->integer, 6);
  EXPECT_EQ(items[5]->items[2]->integer, 8);
  EXPECT_EQ(items[6]->items[0]->integer, 9);
  EXPECT_EQ(items[7]->items[0]->integer, 10);
}

TEST(TorchPickle, DictsFromSetItemSetItemsAndDict) {
  const PickleValuePtr dict = run("}" + shortUnicode("a") + binint1(1) + "s" + "(" + shortUnicode("b") + binint1(2) +
                                  shortUnicode("c") + binint1(3) + "u");
  ASSERT_EQ(dict->kind, Kind::Dict);
  ASSERT_NE(dict->find("a"), nullptr);
  EXPECT_EQ(dict->find("a")->integer, 1);
  EXPECT_EQ(dict->find("c")->integer, 3);
  EXPECT_EQ(dict->find("missing"), nullptr);
  const PickleValuePtr marked = run("(" + shortUnicode("x") + "N" + "d");
  ASSERT_EQ(marked->kind, Kind::Dict);
  ASSERT_NE(marked->find("x"), nullptr);
  EXPECT_EQ(marked->find("x")->kind, Kind::None);
}

TEST(TorchPickle, MemoStoresAndFetchesTheSameValue) {
  // BINPUT/BINGET, LONG_BINPUT/LONG_BINGET, PUT/GET (text), MEMOIZE (the next free index).
  const auto items = runList("]" + ("q" + little(1, 1)) + "0" + "h" + little(1, 1) + "h" + little(1, 1) + "}" +
                             ("r" + little(70000, 4)) + "j" + little(70000, 4) + shortUnicode("t") + "p12\n" + "g12\n" +
                             binint1(5) + op(0x94) + "h" + little(3, 1));
  ASSERT_EQ(items.size(), 8u);
  EXPECT_EQ(items[0]->kind, Kind::List);
  EXPECT_EQ(items[0], items[1]);  // one object, twice
  EXPECT_EQ(items[2]->kind, Kind::Dict);
  EXPECT_EQ(items[2], items[3]);
  EXPECT_EQ(items[4], items[5]);
  EXPECT_EQ(items[5]->text, "t");
  // MEMOIZE takes the next index by count: the memo held 1, 70000 and 12, so the int went to 3.
  EXPECT_EQ(items[6]->integer, 5);
  EXPECT_EQ(items[6], items[7]);
}

TEST(TorchPickle, DupPopAndPopMark) {
  const auto items = runList(binint1(1) + "2" + binint1(9) + "0" + "(" + binint1(7) + binint1(8) + "1");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], items[1]);
  EXPECT_EQ(items[0]->integer, 1);
}

TEST(TorchPickle, ProtocolFourFramesAndStackGlobal) {
  const std::string body = global("collections", "OrderedDict") + ")" + "R";
  const PickleValuePtr dict = run(op(0x95) + little(body.size() + 1, 8) + body, 4);
  EXPECT_EQ(dict->kind, Kind::Dict);
  EXPECT_TRUE(dict->items.empty());
}

// --- calls -------------------------------------------------------------------------------------------

TEST(TorchPickle, KnownCallsRebuildTheirValues) {
  // OrderedDict([("w", 3)]), torch.device("cuda", 1), builtins.set([4]) via GLOBAL (protocol 2).
  const auto items =
      runList("ccollections\nOrderedDict\n" + ("(" + ("]" + ("(" + shortUnicode("w") + binint1(3) + "t") + "a") + "t") +
              "R" + "ctorch\ndevice\n" + ("(" + shortUnicode("cuda") + binint1(1) + "t") + "R" + "cbuiltins\nset\n" +
              ("(" + ("]" + binint1(4) + "a") + "t") + "R");
  ASSERT_EQ(items.size(), 3u);
  ASSERT_EQ(items[0]->kind, Kind::Dict);
  EXPECT_EQ(items[0]->find("w")->integer, 3);
  EXPECT_EQ(items[1]->kind, Kind::Device);
  EXPECT_EQ(items[1]->text, "cuda:1");
  ASSERT_EQ(items[2]->kind, Kind::List);
  EXPECT_EQ(items[2]->items.at(0)->integer, 4);
}

TEST(TorchPickle, UnknownClassesStayOpaqueWithTheirArgumentsAndState) {
  // REDUCE and NEWOBJ of classes the machine does not know, and BUILD setting an object's state.
  const auto items = runList(global("torch.optim.adam", "Adam") + ("(" + binint1(1) + "t") + "R" + std::string("}") +
                             "b" + global("mypackage", "Thing") + ")" + op(0x81));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]->kind, Kind::Object);
  EXPECT_EQ(items[0]->text, "torch.optim.adam.Adam");
  EXPECT_EQ(items[0]->typeName(), "torch.optim.adam.Adam");
  ASSERT_EQ(items[0]->items.size(), 1u);
  ASSERT_NE(items[0]->state, nullptr);
  EXPECT_EQ(items[0]->state->kind, Kind::Dict);
  EXPECT_EQ(items[1]->text, "mypackage.Thing");
  EXPECT_EQ(items[1]->state, nullptr);
}

TEST(TorchPickle, NumpyScalarsFromCodecsEncodedBytes) {
  // numpy.core.multiarray.scalar(numpy.dtype("f8"), _codecs.encode("<8 latin1 chars>", "latin1"))
  const double value = 0.75;
  std::string raw(8, '\0');
  std::memcpy(raw.data(), &value, 8);
  std::string utf8;  // each byte as the code point U+00XX, UTF-8 encoded (what pickle stores)
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      utf8.push_back(static_cast<char>(byte));
    } else {
      utf8.push_back(static_cast<char>(0xC0 | (byte >> 6)));
      utf8.push_back(static_cast<char>(0x80 | (byte & 0x3F)));
    }
  }
  const std::string dtype = global("numpy", "dtype") + ("(" + shortUnicode("f8") + "t") + "R";
  const std::string bytes =
      global("_codecs", "encode") + ("(" + shortUnicode(utf8) + shortUnicode("latin1") + "t") + "R";
  const PickleValuePtr scalar = run(global("numpy.core.multiarray", "scalar") + ("(" + dtype + bytes + "t") + "R");
  EXPECT_EQ(scalar->kind, Kind::Float);
  EXPECT_EQ(scalar->number, 0.75);
}

TEST(TorchPickle, TensorsFromPersistentStoragesAreLoadedOnceAndRecordTheirLocation) {
  // _rebuild_tensor_v2(storage, offset 1, size (2,), stride (2,), False, OrderedDict()) twice over one storage.
  const std::string storage = "(" + shortUnicode("storage") + global("torch", "FloatStorage") + shortUnicode("0") +
                              shortUnicode("cuda:0") + binint1(5) + "t" + "Q";
  const std::string rebuild = global("torch._utils", "_rebuild_tensor_v2") + "(" + storage + binint1(1) +
                              (binint1(2) + op(0x85)) + (binint1(2) + op(0x85)) + op(0x89) +
                              global("collections", "OrderedDict") + ")" + "R" + "t" + "R";
  std::map<std::string, int> loads;
  auto loader = [&](const std::string& key) {
    ++loads[key];
    const float values[5] = {10, 11, 12, 13, 14};
    return std::string(reinterpret_cast<const char*>(values), sizeof(values));
  };
  std::vector<std::string> locations;
  const PickleValuePtr pair =
      runPickle(protocol(2) + "(" + rebuild + rebuild + "t" + ".", "test.pkl", loader, &locations);
  ASSERT_EQ(pair->items.size(), 2u);
  const at::Tensor tensor = pair->items[0]->tensor;
  ASSERT_EQ(tensor.sizes().vec(), (std::vector<int64_t>{2}));
  EXPECT_EQ(tensor[0].item<float>(), 11.0f);
  EXPECT_EQ(tensor[1].item<float>(), 13.0f);
  EXPECT_EQ(tensor.device().type(), at::kCPU);
  EXPECT_EQ(loads, (std::map<std::string, int>{{"0", 1}}));
  EXPECT_EQ(locations, (std::vector<std::string>{"cuda:0"}));
}

// --- errors ------------------------------------------------------------------------------------------

void expectBadInput(const std::string& pickle, const std::string& text) {
  try {
    runPickle(pickle, "model.pth", noStorage);
    ADD_FAILURE() << "expected an error mentioning: " << text;
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.code(), ExitCode::BadInput) << message;
    EXPECT_EQ(message.rfind("model.pth: cannot read the checkpoint's pickle: ", 0), 0u) << message;
    EXPECT_NE(message.find(text), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(TorchPickle, TruncatedPicklesAreBadInput) {
  expectBadInput(protocol(2) + "K", "the pickle ends early");                           // operand missing
  expectBadInput(protocol(2) + binint1(1), "the pickle ends early");                    // no STOP
  expectBadInput(protocol(2) + "X" + little(10, 4) + "abc.", "the pickle ends early");  // string longer than the rest
  expectBadInput(protocol(2) + "I12", "the pickle ends early");                         // text without its newline
  expectBadInput("", "the pickle ends early");
}

TEST(TorchPickle, StackUnderflowIsBadInput) {
  expectBadInput(protocol(2) + ".", "pickle stack underflow");                          // STOP on an empty stack
  expectBadInput(protocol(2) + "0.", "pickle stack underflow");                         // POP
  expectBadInput(protocol(2) + binint1(1) + "(0.", "pickle stack underflow");           // POP across a MARK
  expectBadInput(protocol(2) + binint1(1) + op(0x86) + ".", "pickle stack underflow");  // TUPLE2 of one
  expectBadInput(protocol(2) + "a.", "pickle stack underflow");                         // APPEND with nothing
}

TEST(TorchPickle, UnknownOpcodeIsBadInputNamingItAndItsPosition) {
  expectBadInput(protocol(2) + binint1(1) + op(0xff) + ".", "unsupported pickle opcode 0xff at byte 4");
  expectBadInput(protocol(2) + "P.", "unsupported pickle opcode 0x50 at byte 2");  // PERSID (text) is not run
}

TEST(TorchPickle, BrokenMemoMarkAndTargetsAreBadInput) {
  expectBadInput(protocol(2) + "h" + little(5, 1) + ".", "pickle memo entry 5 missing");
  expectBadInput(protocol(2) + "t.", "pickle MARK missing");
  expectBadInput(protocol(2) + "}" + binint1(1) + "a.", "APPEND to a dict");
  expectBadInput(protocol(2) + "]" + binint1(1) + binint1(2) + "s.", "SETITEM on a list");
  expectBadInput(protocol(2) + shortUnicode("x") + "Q.", "unsupported persistent id");
}

TEST(TorchPickle, MalformedTextNumbersAreBadInputQuotingThem) {
  expectBadInput(protocol(2) + "Ixyz\n.", "malformed integer \"xyz\"");
  expectBadInput(protocol(2) + "I12abc\n.", "malformed integer \"12abc\"");
  expectBadInput(protocol(2) + "F1.5.5\n.", "malformed float \"1.5.5\"");
  expectBadInput(protocol(2) + "N" + "gq\n.", "malformed memo index \"q\"");
  expectBadInput(protocol(2) + "N" + "p-1\n.", "malformed memo index \"-1\"");
  expectBadInput(protocol(2) + "I99999999999999999999999\n.", "malformed integer");
}

}  // namespace
}  // namespace skipseg::model
