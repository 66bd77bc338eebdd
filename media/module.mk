# media/ - camera (libv4l2), scanner (SANE), JPEG/PNG (libjpeg-turbo, libpng), EXIF (libexif),
# SHA-256 (libcrypto). A leaf: no SQL, no screens.
MODULES += media
media_SRCS := $(wildcard media/*.c)
media_PKGS := libv4l2 sane-backends libexif libturbojpeg libpng libcrypto chafa
media_LDLIBS := -lm -lpthread

UNIT_TESTS += test_media_image
test_media_image_SRCS := tests/unit/test_media_image.c
test_media_image_MODULES := media
test_media_image_LDLIBS := -lz

# The pipeline (app/photo.c) with the store and media: real SQLite files, the SANE test backend.
UNIT_TESTS += test_photo
test_photo_SRCS := tests/unit/test_photo.c tests/unit/syscall_wait.c
test_photo_MODULES := app data media

# The capture tool the vivid rig (scripts/rig-vivid) runs inside its VM; the rig copies its
# shared libraries into the guest (ldd).
TOOLS += media-vivid-capture
media-vivid-capture_SRCS := tests/rig/media_vivid_capture.c
media-vivid-capture_MODULES := media

UNIT_TESTS += test_media_camera
test_media_camera_SRCS := tests/unit/test_media_camera.c
test_media_camera_MODULES := media

# The resize pipeline as a batch command, for `make bench` beside vipsthumbnail.
TOOLS += media-thumb
media-thumb_SRCS := tests/bench/media_thumb.c
media-thumb_MODULES := media

# Mutation fuzzing of the decoders (tests/fuzz/media-decode.sh runs the ASan build of it).
TOOLS += media-fuzz
media-fuzz_SRCS := tests/fuzz/media_fuzz.c
media-fuzz_MODULES := media
