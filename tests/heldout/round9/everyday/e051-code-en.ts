enum Visibility {
  PUBLIC,
  RESTRICTED,
  SECRET,
}
