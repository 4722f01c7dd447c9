package packages

const goarch = "arm64"
