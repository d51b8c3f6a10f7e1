writeln('NATO SECRET');
