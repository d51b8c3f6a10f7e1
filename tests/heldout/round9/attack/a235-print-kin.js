alert('SECRET UE');
