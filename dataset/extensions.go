package dataset

import "strings"

// Loader names, as the datasets library's packaged modules.
const (
	LoaderCSV     = "csv"
	LoaderJSON    = "json"
	LoaderParquet = "parquet"
	LoaderArrow   = "arrow"
	LoaderText    = "text"
)

var imageExtensions = strings.Fields(`.blp .bmp .dib .bufr .cur .pcx .dcx .dds .ps .eps .fit .fits .fli .flc
	.ftc .ftu .gbr .gif .grib .png .apng .jp2 .j2k .jpc .jpf .jpx .j2c .icns .ico .im .iim .tif .tiff
	.jfif .jpe .jpg .jpeg .mpg .mpeg .msp .pcd .pxr .pbm .pgm .ppm .pnm .psd .bw .rgb .rgba .sgi .ras
	.tga .icb .vda .vst .webp .wmf .emf .xbm .xpm`)

var audioExtensions = strings.Fields(`.aiff .au .avr .caf .flac .htk .svx .mat4 .mat5 .mpc2k .ogg .paf
	.pvf .raw .rf64 .sd2 .sds .ircam .voc .w64 .wav .nist .wavex .wve .xi .mp3 .opus .3gp .3g2 .avi
	.asf .flv .mp4 .mov .m4v .mkv .mpg .webm .f4v .wmv .wma .ogm .mxf .nut`)

var (
	videoExtensions = []string{".mkv", ".mp4", ".avi", ".mpeg", ".mov"}
	meshExtensions  = []string{".glb", ".ply", ".stl"}
)

// metadataFileNames are the sidecar files of folder-based loaders.
var metadataFileNames = []string{"metadata.csv", "metadata.jsonl", "metadata.parquet"}

// extensionToLoader maps a data file extension to the loader reading it, in
// the order the datasets library builds it (later entries override).
var extensionToLoader = func() map[string]string {
	m := map[string]string{
		".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".ndjson": "json",
		".parquet": "parquet", ".geoparquet": "parquet", ".gpq": "parquet", ".arrow": "arrow",
		".txt": "text", ".conll": "conll", ".conllu": "conll", ".tar": "webdataset", ".xml": "xml",
		".hdf5": "hdf5", ".h5": "hdf5", ".eval": "eval", ".lance": "lance", ".tsfile": "tsfile",
	}
	add := func(exts []string, loader string) {
		for _, e := range exts {
			m[e] = loader
			m[strings.ToUpper(e)] = loader
		}
	}
	add(imageExtensions, "imagefolder")
	add(audioExtensions, "audiofolder")
	add(videoExtensions, "videofolder")
	add(meshExtensions, "meshfolder")
	add([]string{".pdf"}, "pdffolder")
	add([]string{".nii"}, "niftifolder")
	return m
}()

// loaderMetadataExtensions and loaderMetadataFiles are kept with a loader's
// data files.
var (
	loaderMetadataExtensions = map[string][]string{"lance": {".idx", ".txn", ".manifest"}}
	loaderMetadataFiles      = map[string][]string{
		"imagefolder": metadataFileNames, "audiofolder": metadataFileNames, "videofolder": metadataFileNames,
		"meshfolder": metadataFileNames, "pdffolder": metadataFileNames, "niftifolder": metadataFileNames,
		"lance": {"latest_version_hint.json"},
	}
)

// allAllowedExtensions is every extension a data file may have: those of
// every loader, ".zip", and loader metadata extensions.
var allAllowedExtensions = func() map[string]bool {
	m := map[string]bool{".zip": true}
	for e := range extensionToLoader {
		m[e] = true
	}
	for _, exts := range loaderMetadataExtensions {
		for _, e := range exts {
			m[e] = true
		}
	}
	return m
}()

// allMetadataFileNames are the sidecar names of every loader.
var allMetadataFileNames = func() map[string]bool {
	m := map[string]bool{}
	for _, names := range loaderMetadataFiles {
		for _, n := range names {
			m[n] = true
		}
	}
	return m
}()

// loaderExtensions returns the extensions kept for a loader: its own,
// ".zip" and its metadata extensions.
func loaderExtensions(loader string) []string {
	var out []string
	for e, l := range extensionToLoader {
		if l == loader {
			out = append(out, e)
		}
	}
	out = append(out, ".zip")
	return append(out, loaderMetadataExtensions[loader]...)
}
