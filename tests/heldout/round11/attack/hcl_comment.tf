# RESTREINT UE
resource "aws_s3_bucket" "plans" {
  bucket = "plans"
}
