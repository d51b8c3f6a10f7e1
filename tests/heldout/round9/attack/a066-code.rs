fn main() {
    println!("TOP SECRET//NOFORN");
}
