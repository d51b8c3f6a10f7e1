resource "x" "y" {
  tags = {
    Classification = "NATO CONFIDENTIAL"
  }
}
