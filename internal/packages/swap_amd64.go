package packages

const goarch = "amd64"
