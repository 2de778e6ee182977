#pragma once
// HDF5 input and output, in three parts (include just the one you need):
//  - sim/io/h5_handle.hpp: move-only RAII handles over HDF5 ids;
//  - sim/io/h5_read.hpp: read helpers (tests, post-processing, run readers);
//  - sim/io/h5_writer.hpp: NcWriter, which writes netCDF-4 style files.
// Internals: sim/io/h5_internal.hpp (error handling, dataset builder) with h5_errors.cpp and
// h5_layout.cpp. HDF5's own error printing is switched off around each call made here.
#include "sim/io/h5_handle.hpp"
#include "sim/io/h5_read.hpp"
#include "sim/io/h5_types.hpp"
#include "sim/io/h5_writer.hpp"
