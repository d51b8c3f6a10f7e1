val banner = """
    |TRÈS SECRET LUX
    """.trimMargin()
println(banner)
