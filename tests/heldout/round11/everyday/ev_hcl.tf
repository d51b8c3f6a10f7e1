resource "aws_secretsmanager_secret" "db" {
  name = "db-secret"
}
