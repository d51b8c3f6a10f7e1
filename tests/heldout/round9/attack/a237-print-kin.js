throw new Error("NATO SECRET");
