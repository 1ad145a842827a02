// JPEG and PNG decoding to 8-bit RGB through the system's libjpeg(-turbo) and libpng.
//
// Both libraries report errors by longjmp, which Swift cannot catch, so the decoding
// loops live here as static inline functions that set their own jump buffers and
// return a status code with a message. The only callers are ImageDecoding's
// `ImageDecoder` and `RGBImage.pngBytes` (libpng's simplified writer, which needs no
// jump buffer); nothing else in FusionRec links these libraries.
#ifndef FUSIONREC_IMAGE_CODECS_SHIM_H
#define FUSIONREC_IMAGE_CODECS_SHIM_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

enum {
    FRImageOK = 0,
    FRImageCorrupt = 1,
    FRImageTooLarge = 2,
    FRImageOutOfMemory = 3,
    FRImageUnsupported = 4,
};

// The decoded image: `pixels` holds width × height × 3 bytes (R, G, B), malloc'ed; the
// caller frees it with `free`. `message` names the reason of a failure.
typedef struct {
    unsigned char *pixels;
    uint32_t width;
    uint32_t height;
    int status;
    char message[JMSG_LENGTH_MAX > 200 ? JMSG_LENGTH_MAX : 200];
} FRDecodedImage;

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    FRDecodedImage *result;
} FRJPEGError;

static void fr_jpeg_error_exit(j_common_ptr info) {
    FRJPEGError *error = (FRJPEGError *)info->err;
    (*info->err->format_message)(info, error->result->message);
    longjmp(error->jump, 1);
}

static void fr_jpeg_output_message(j_common_ptr info) { (void)info; }

// Warnings are ignored except a premature end of data, which libjpeg would otherwise
// paper over with gray rows: a truncated file is an error, as it is for Pillow.
static void fr_jpeg_emit_message(j_common_ptr info, int level) {
    if (level == -1 && info->err->msg_code == JWRN_JPEG_EOF) fr_jpeg_error_exit(info);
}

/// Decodes a baseline or progressive JPEG (grayscale, YCbCr, RGB, CMYK or YCCK) to RGB.
/// CMYK is converted as R = (255 − C)(255 − K)/255 after undoing Adobe's inversion, as
/// Pillow's `convert("RGB")` does. Images above `max_pixels` pixels are refused before
/// any pixel is decoded.
static inline FRDecodedImage fr_decode_jpeg(const unsigned char *bytes, size_t count, uint64_t max_pixels) {
    FRDecodedImage result;
    memset(&result, 0, sizeof result);
    struct jpeg_decompress_struct info;
    FRJPEGError error;
    unsigned char *volatile row = NULL;
    unsigned char *volatile pixels = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = fr_jpeg_error_exit;
    error.manager.output_message = fr_jpeg_output_message;
    error.manager.emit_message = fr_jpeg_emit_message;
    error.result = &result;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        free(row);
        free(pixels);
        result.pixels = NULL;
        result.status = FRImageCorrupt;
        return result;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes, (unsigned long)count);
    jpeg_read_header(&info, TRUE);
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_calc_output_dimensions(&info);
    uint64_t pixel_count = (uint64_t)info.output_width * (uint64_t)info.output_height;
    if (pixel_count == 0 || pixel_count > max_pixels) {
        snprintf(result.message, sizeof result.message, "%u × %u pixels exceeds the limit of %llu",
                 info.output_width, info.output_height, (unsigned long long)max_pixels);
        result.status = FRImageTooLarge;
        jpeg_destroy_decompress(&info);
        return result;
    }
    pixels = malloc((size_t)pixel_count * 3);
    row = malloc((size_t)info.output_width * 4);
    if (!pixels || !row) {
        free(row);
        free(pixels);
        jpeg_destroy_decompress(&info);
        snprintf(result.message, sizeof result.message, "cannot allocate %llu pixels", (unsigned long long)pixel_count);
        result.status = FRImageOutOfMemory;
        return result;
    }
    jpeg_start_decompress(&info);
    int inverted = cmyk && info.saw_Adobe_marker;
    while (info.output_scanline < info.output_height) {
        unsigned char *out = pixels + (size_t)info.output_scanline * info.output_width * 3;
        JSAMPROW target = cmyk ? row : out;
        jpeg_read_scanlines(&info, &target, 1);
        if (cmyk) {
            for (JDIMENSION x = 0; x < info.output_width; x++) {
                unsigned c = row[4 * x], m = row[4 * x + 1], y = row[4 * x + 2], k = row[4 * x + 3];
                if (inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
                unsigned nk = 255 - k, t;
                t = c * nk + 128; out[3 * x] = (unsigned char)(nk - ((t + (t >> 8)) >> 8));
                t = m * nk + 128; out[3 * x + 1] = (unsigned char)(nk - ((t + (t >> 8)) >> 8));
                t = y * nk + 128; out[3 * x + 2] = (unsigned char)(nk - ((t + (t >> 8)) >> 8));
            }
        }
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    free(row);
    result.pixels = pixels;
    result.width = info.output_width;
    result.height = info.output_height;
    result.status = FRImageOK;
    return result;
}

typedef struct {
    const unsigned char *bytes;
    size_t count;
    size_t offset;
} FRPNGSource;

static void fr_png_read(png_structp png, png_bytep out, png_size_t length) {
    FRPNGSource *source = (FRPNGSource *)png_get_io_ptr(png);
    if (length > source->count - source->offset) png_error(png, "the data ends inside the image");
    memcpy(out, source->bytes + source->offset, length);
    source->offset += length;
}

static void fr_png_error(png_structp png, png_const_charp message) {
    FRDecodedImage *result = (FRDecodedImage *)png_get_error_ptr(png);
    if (message != result->message) snprintf(result->message, sizeof result->message, "%s", message);
    png_longjmp(png, 1);
}

static void fr_png_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

/// Decodes a PNG of any colour type and bit depth (interlaced or not) to 8-bit RGB:
/// palettes are expanded, gray is replicated, 16-bit samples keep their high byte, and
/// an alpha channel (or tRNS transparency) is dropped, as Pillow's `convert("RGB")`
/// does. Images above `max_pixels` pixels are refused before any row is decoded.
static inline FRDecodedImage fr_decode_png(const unsigned char *bytes, size_t count, uint64_t max_pixels) {
    FRDecodedImage result;
    memset(&result, 0, sizeof result);
    if (count < 8 || png_sig_cmp(bytes, 0, 8) != 0) {
        snprintf(result.message, sizeof result.message, "not a PNG signature");
        result.status = FRImageCorrupt;
        return result;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &result, fr_png_error, fr_png_warning);
    if (!png) {
        snprintf(result.message, sizeof result.message, "cannot allocate the PNG reader");
        result.status = FRImageOutOfMemory;
        return result;
    }
    png_infop header = png_create_info_struct(png);
    FRPNGSource source = {bytes, count, 0};
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!header || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, header ? &header : NULL, NULL);
        free(rows);
        free(pixels);
        result.pixels = NULL;
        if (result.status == FRImageOK) result.status = FRImageCorrupt;
        return result;
    }
    png_set_read_fn(png, &source, fr_png_read);
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, header);
    png_uint_32 width = png_get_image_width(png, header), height = png_get_image_height(png, header);
    uint64_t pixel_count = (uint64_t)width * (uint64_t)height;
    if (pixel_count == 0 || pixel_count > max_pixels) {
        snprintf(result.message, sizeof result.message, "%u × %u pixels exceeds the limit of %llu",
                 (unsigned)width, (unsigned)height, (unsigned long long)max_pixels);
        result.status = FRImageTooLarge;
        png_error(png, result.message);
    }
    int color = png_get_color_type(png, header);
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, header);
    if (png_get_rowbytes(png, header) != (size_t)width * 3) {
        snprintf(result.message, sizeof result.message, "unexpected row size after conversion to RGB");
        result.status = FRImageUnsupported;
        png_error(png, result.message);
    }
    pixels = malloc((size_t)pixel_count * 3);
    rows = malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) {
        snprintf(result.message, sizeof result.message, "cannot allocate %llu pixels", (unsigned long long)pixel_count);
        result.status = FRImageOutOfMemory;
        png_error(png, result.message);
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * width * 3;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &header, NULL);
    free(rows);
    result.pixels = pixels;
    result.width = width;
    result.height = height;
    result.status = FRImageOK;
    return result;
}

#endif
