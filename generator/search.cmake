# The site search's build side (search.c): its own library, so that the
# search tests link it without the rest of the generator. libstemmer (Debian
# libstemmer-dev) has no pkg-config file.
find_library(HHD_STEMMER_LIB stemmer REQUIRED)
find_path(HHD_STEMMER_INCLUDE libstemmer.h REQUIRED)
add_library(hhd_search STATIC ${CMAKE_CURRENT_LIST_DIR}/search.c)
target_include_directories(hhd_search PUBLIC ${CMAKE_CURRENT_LIST_DIR} ${HHD_STEMMER_INCLUDE})
target_link_libraries(hhd_search PUBLIC hhd_lib ${HHD_STEMMER_LIB} PkgConfig::XXHASH)
