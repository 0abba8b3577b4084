// The image file table (core/fs/image_files.h), as the build packs it from
// kernel-image/files/: compiled natively here from the same generated file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/fs/image_files.h"

namespace pristine::fs {
namespace {

const std::filesystem::path kFiles = PRISTINE_SOURCE_DIR "/kernel-image/files";
const std::filesystem::path kWritableFiles = kFiles / "writable";

// Where a file of the table comes from: the writable folder, or the other.
std::filesystem::path source_of(const char* name) {
  return std::filesystem::exists(kWritableFiles / name) ? kWritableFiles / name : kFiles / name;
}

TEST(ImageFiles, TheTableHoldsEveryFileOfTheFolderSortedByName) {
  std::size_t on_disk = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFiles)) on_disk += entry.is_regular_file() ? 1 : 0;
  for (const auto& entry : std::filesystem::directory_iterator(kWritableFiles)) on_disk += entry.is_regular_file() ? 1 : 0;
  ASSERT_EQ(pristine_image_file_count, on_disk);
  for (std::uint64_t i = 1; i < pristine_image_file_count; ++i) {
    EXPECT_LT(std::strcmp(pristine_image_files[i - 1].name, pristine_image_files[i].name), 0) << i;
  }
}

TEST(ImageFiles, EveryFileHasItsBytesAndIsFoundByItsExactName) {
  for (std::uint64_t i = 0; i < pristine_image_file_count; ++i) {
    const ImageFile& f = pristine_image_files[i];
    std::ifstream in(source_of(f.name), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(f.size, bytes.size()) << f.name;
    // Writable files have room to grow: their size rounded up to pages, one at least.
    const bool writable = std::filesystem::exists(kWritableFiles / f.name);
    EXPECT_EQ(f.capacity, writable ? std::max<std::uint64_t>(4096, (bytes.size() + 4095) / 4096 * 4096) : 0u) << f.name;
    EXPECT_EQ(std::memcmp(f.data, bytes.data(), bytes.size()), 0) << f.name;
    EXPECT_EQ(find_image_file(f.name, std::strlen(f.name)), i) << f.name;
    // A prefix, or the name and one byte more, is another name.
    EXPECT_EQ(find_image_file(f.name, std::strlen(f.name) - 1), kNoFile) << f.name;
    const std::string longer = std::string(f.name) + "x";
    EXPECT_EQ(find_image_file(longer.data(), longer.size()), kNoFile) << f.name;
  }
  EXPECT_EQ(find_image_file("", 0), kNoFile);
  EXPECT_EQ(find_image_file("\xff\xff", 2), kNoFile);
}

}  // namespace
}  // namespace pristine::fs
