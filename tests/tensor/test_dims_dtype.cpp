#include <gtest/gtest.h>

#include "tensor/dims.h"
#include "tensor/dtype.h"
#include "tensor/error.h"

namespace kiln {
namespace {

TEST(Dims, BroadcastShapes) {
  EXPECT_EQ(broadcast_shapes({2, 1, 3}, {4, 1}, "t"), (Shape{2, 4, 3}));
  EXPECT_THROW(broadcast_shapes({2, 3}, {4, 3}, "t"), Error);
}

}  // namespace
}  // namespace kiln
