#include "SyntheticDicom.h"

#include <gdcmFileExplicitFilter.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmWriter.h>
#include <itkGDCMImageIO.h>
#include <itkImageFileWriter.h>
#include <itkMetaDataObject.h>

#include <functional>
#include <sstream>
#include <stdexcept>

namespace skipseg::io::testing {
namespace {

gdcm::DataElement textElement(uint16_t group, uint16_t element, const gdcm::VR& vr, std::string value) {
  if (value.size() % 2 == 1) {
    value += vr == gdcm::VR::UI ? '\0' : ' ';
  }
  gdcm::DataElement data(gdcm::Tag(group, element));
  data.SetVR(vr);
  data.SetByteValue(value.data(), static_cast<uint32_t>(value.size()));
  return data;
}

template <std::size_t N>
std::string multiValue(const std::array<double, N>& values) {
  std::ostringstream text;
  text.precision(10);
  for (std::size_t index = 0; index < N; ++index) {
    text << (index ? "\\" : "") << values[index];
  }
  return text.str();
}

// A UID element's text without its padding; empty when absent.
std::string uidText(const gdcm::DataSet& data, const gdcm::Tag& tag) {
  const gdcm::ByteValue* value = data.FindDataElement(tag) ? data.GetDataElement(tag).GetByteValue() : nullptr;
  std::string text = value == nullptr ? "" : std::string(value->GetPointer(), value->GetLength());
  text.erase(text.find_last_not_of(std::string(" \0", 2)) + 1);
  return text;
}

void rewrite(const std::string& path, const std::function<void(gdcm::DataSet&)>& edit, std::string target = "") {
  gdcm::Reader reader;
  reader.SetFileName(path.c_str());
  if (!reader.Read()) {
    throw std::runtime_error("cannot re-read " + path);
  }
  edit(reader.GetFile().GetDataSet());
  // Keep the file meta information's SOP class and instance in step with the data set's; anonymised files
  // that left the data set's empty get the header's (GDCM's writer needs them there).
  gdcm::DataSet& data = reader.GetFile().GetDataSet();
  gdcm::FileMetaInformation& header = reader.GetFile().GetHeader();
  for (const auto& [dataTag, metaTag] : {std::pair{gdcm::Tag(0x0008, 0x0016), gdcm::Tag(0x0002, 0x0002)},
                                         std::pair{gdcm::Tag(0x0008, 0x0018), gdcm::Tag(0x0002, 0x0003)}}) {
    std::string text = uidText(data, dataTag);
    if (text.empty()) {
      text = uidText(header, metaTag);
      data.Replace(textElement(dataTag.GetGroup(), dataTag.GetElement(), gdcm::VR::UI, text));
    }
    header.Replace(textElement(metaTag.GetGroup(), metaTag.GetElement(), gdcm::VR::UI, text));
  }
  gdcm::Writer writer;
  writer.SetFile(reader.GetFile());
  writer.SetFileName((target.empty() ? path : target).c_str());
  if (!writer.Write()) {
    throw std::runtime_error("cannot write " + (target.empty() ? path : target));
  }
}

}  // namespace

void writeDicomSlice(const std::string& path, const DicomSliceSpec& spec, int instanceNumber) {
  using Slice = itk::Image<short, 3>;
  auto slice = Slice::New();
  Slice::RegionType region;
  region.SetSize({{6, 5, 1}});
  slice->SetRegions(region);
  slice->Allocate();
  for (int j = 0; j < 5; ++j) {
    for (int i = 0; i < 6; ++i) {
      slice->SetPixel({{i, j, 0}}, static_cast<short>(spec.value + i + 10 * j));
    }
  }
  auto io = itk::GDCMImageIO::New();
  auto& dictionary = io->GetMetaDataDictionary();
  itk::EncapsulateMetaData<std::string>(dictionary, "0008|0060", spec.modality);
  itk::EncapsulateMetaData<std::string>(dictionary, "0028|1052", "0");
  itk::EncapsulateMetaData<std::string>(dictionary, "0028|1053", "1");
  auto writer = itk::ImageFileWriter<Slice>::New();
  writer->SetInput(slice);
  writer->SetImageIO(io);
  writer->SetFileName(path);
  writer->Update();
  rewrite(path, [&](gdcm::DataSet& data) {
    // CT Image Storage (ITK writes Secondary Capture, whose spacing GDCM takes from another tag).
    data.Replace(textElement(0x0008, 0x0016, gdcm::VR::UI, "1.2.840.10008.5.1.4.1.1.2"));
    data.Replace(textElement(0x0008, 0x0060, gdcm::VR::CS, spec.modality));
    data.Replace(textElement(0x0020, 0x000e, gdcm::VR::UI, spec.seriesUid));
    data.Replace(textElement(0x0020, 0x0013, gdcm::VR::IS, std::to_string(instanceNumber)));
    data.Replace(textElement(0x0008, 0x103e, gdcm::VR::LO, "synthetic " + spec.modality));
    data.Replace(textElement(0x0028, 0x0030, gdcm::VR::DS, "0.5\\0.75"));
    data.Replace(textElement(0x0020, 0x0037, gdcm::VR::DS, multiValue(spec.orientation)));
    if (spec.withPosition) {
      data.Replace(textElement(0x0020, 0x0032, gdcm::VR::DS, multiValue(spec.position)));
    } else {
      data.Remove(gdcm::Tag(0x0020, 0x0032));
      data.Remove(gdcm::Tag(0x0020, 0x0037));
    }
  });
}

void addPetSuvTags(const std::string& path) {
  rewrite(path, [](gdcm::DataSet& data) {
    data.Replace(textElement(0x0010, 0x1030, gdcm::VR::DS, "72.5"));
    data.Replace(textElement(0x0008, 0x0031, gdcm::VR::TM, "110000"));
    data.Replace(textElement(0x0054, 0x1001, gdcm::VR::CS, "BQML"));
    data.Replace(textElement(0x0054, 0x1102, gdcm::VR::CS, "START"));
    gdcm::Item item;
    item.SetVLToUndefined();
    auto& nested = item.GetNestedDataSet();
    nested.Insert(textElement(0x0018, 0x1072, gdcm::VR::TM, "101500.00"));
    nested.Insert(textElement(0x0018, 0x1074, gdcm::VR::DS, "370000000"));
    nested.Insert(textElement(0x0018, 0x1075, gdcm::VR::DS, "6586.2"));
    gdcm::SmartPointer<gdcm::SequenceOfItems> sequence = new gdcm::SequenceOfItems;
    sequence->SetLengthToUndefined();
    sequence->AddItem(item);
    gdcm::DataElement element(gdcm::Tag(0x0054, 0x0016));
    element.SetVR(gdcm::VR::SQ);
    element.SetValue(*sequence);
    element.SetVLToUndefined();
    data.Replace(element);
  });
}

void replaceTagWithText(const std::string& path, unsigned short group, unsigned short element,
                        const std::string& text) {
  gdcm::Reader reader;
  reader.SetFileName(path.c_str());
  if (!reader.Read()) {
    throw std::runtime_error("cannot re-read " + path);
  }
  // Explicit VR, so that the file itself says "IS" (an implicit-VR reader would take the dictionary's type).
  gdcm::FileExplicitFilter toExplicit;
  toExplicit.SetFile(reader.GetFile());
  if (!toExplicit.Change()) {
    throw std::runtime_error("cannot make " + path + " explicit VR");
  }
  reader.GetFile().GetHeader().SetDataSetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  reader.GetFile().GetDataSet().Replace(textElement(group, element, gdcm::VR::IS, text));
  gdcm::Writer writer;
  writer.SetFile(reader.GetFile());
  writer.SetFileName(path.c_str());
  if (!writer.Write()) {
    throw std::runtime_error("cannot rewrite " + path);
  }
}

void copyDicomWithTags(const std::string& from, const std::string& to, const std::vector<TagText>& tags) {
  rewrite(
      from,
      [&](gdcm::DataSet& data) {
        for (const auto& tag : tags) {
          data.Replace(textElement(tag.group, tag.element, gdcm::VR::GetVRType(tag.vr.c_str()), tag.value));
        }
      },
      to);
}

void writeNonImageObject(const std::string& path, const std::vector<TagText>& tags) {
  gdcm::Writer writer;
  gdcm::DataSet& data = writer.GetFile().GetDataSet();
  data.Replace(textElement(0x0008, 0x0016, gdcm::VR::UI, "1.2.840.10008.5.1.4.1.1.88.11"));  // Basic Text SR
  data.Replace(textElement(0x0008, 0x0060, gdcm::VR::CS, "SR"));
  for (const auto& tag : tags) {
    data.Replace(textElement(tag.group, tag.element, gdcm::VR::GetVRType(tag.vr.c_str()), tag.value));
  }
  writer.GetFile().GetHeader().SetDataSetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  writer.SetFileName(path.c_str());
  if (!writer.Write()) {
    throw std::runtime_error("cannot write " + path);
  }
}

std::string decimalStrings(const std::vector<double>& values) {
  std::ostringstream text;
  text.precision(10);
  for (std::size_t index = 0; index < values.size(); ++index) {
    text << (index ? "\\" : "") << values[index];
  }
  return text.str();
}

}  // namespace skipseg::io::testing
