# Laksana: halaman untuk warga. Bahasa Indonesia (bawaan).

## Bingkai halaman
skip-to-content = Langsung ke isi
nav-label = Menu utama
nav-track = Lacak laporan
footer-text = Laksana: layanan pengaduan dan aspirasi masyarakat. Laporan Anda diteruskan ke perangkat daerah yang berwenang.

## Kesalahan
error-home = Kembali ke beranda
error-invalid = Permintaan belum bisa diproses
error-sign-in = Silakan masuk terlebih dahulu
error-forbidden = Anda tidak boleh membuka halaman ini
error-forbidden-detail = Halaman ini hanya untuk peran lain. Jika menurut Anda ini keliru, hubungi admin.
error-not-found = Halaman tidak ditemukan
error-not-found-detail = Alamat ini tidak ada, atau laporannya tidak dibuka untuk umum.
error-wrong-code = Kode tindak lanjut salah
error-wrong-code-detail = Periksa kembali kode yang Anda terima saat melapor.
error-too-many = Terlalu banyak percobaan
error-too-many-detail = Mohon tunggu sebentar, lalu coba lagi.
error-busy = Layanan sedang sibuk
error-busy-detail = Mohon coba lagi beberapa saat lagi. Isian Anda tidak hilang jika Anda kembali ke halaman sebelumnya.
error-internal = Terjadi kesalahan di sistem
error-internal-detail = Kesalahan ini sudah dicatat. Mohon coba lagi nanti.

## Pilihan daerah
index-title = Pilih daerah Anda
index-lead = Laporkan masalah layanan publik di daerah Anda dan pantau penyelesaiannya.
index-none = Belum ada daerah yang dilayani di sini.

## Beranda daerah
home-lead = Sampaikan keluhan dan aspirasi Anda tentang layanan publik. Setiap laporan diteruskan ke perangkat daerah yang berwenang dan diberi batas waktu.
home-report = Laporkan
home-counters = Bulan { $month }
home-received = Laporan diterima
home-resolved = Sudah selesai
home-within = Tidak melewati batas waktu
home-map = Peta laporan terbaru
home-map-nojs = Peta memerlukan JavaScript. Daftar laporan terbaru ada di bawah.
legend-red = Merah: baru, belum ditangani
legend-yellow = Kuning: sedang ditangani
legend-green = Hijau: selesai
home-recent = Laporan terbaru
home-none = Belum ada laporan publik.

## Status
status-submitted = Baru diterima
status-needs_info = Perlu informasi tambahan
status-dispositioned = Diteruskan ke perangkat daerah
status-in_progress = Sedang ditangani
status-resolved = Sudah ditangani
status-closed = Selesai
status-reopened = Dibuka kembali
status-not_authority = Bukan kewenangan daerah
status-archived = Diarsipkan

## Halaman laporan
report-title = Laporan { $id }
report-back = Kembali ke beranda daerah
report-received = Diterima
report-place = Lokasi
report-agency = Perangkat daerah
report-agency-none = Belum ditentukan
report-deadline = Batas waktu
report-days-left = { $count } hari kerja lagi
report-days-late = terlambat { $count } hari kerja
report-photos = Foto
report-photo-alt = Foto laporan { $n }
report-timeline = Perkembangan
report-track-hint = Anda pelapornya? Lacak dengan kode tindak lanjut untuk menanggapi.

## Tindakan pelapor
act-answer-title = Petugas meminta informasi tambahan
act-answer-label = Jawaban Anda
act-answer-send = Kirim jawaban
act-confirm-title = Apakah masalahnya sudah selesai?
act-rating = Nilai penanganannya (boleh dilewati)
act-stars = { $count } bintang
act-confirm = Ya, sudah selesai
act-reopen-label = Belum selesai? Jelaskan alasannya
act-reopen = Buka kembali laporan
act-text-needed = Mohon tuliskan penjelasan Anda.
act-rating-range = Nilai harus antara 1 dan 5 bintang.
act-unknown = Tindakan ini tidak dikenal.
act-confirmed = Terima kasih. Laporan ditandai selesai.
act-reopened = Laporan dibuka kembali dan diteruskan lagi kepada petugas.
act-answered = Terima kasih. Jawaban Anda sudah diteruskan kepada petugas.
act-conflict = Laporan ini baru saja berubah. Berikut keadaannya sekarang; silakan periksa dan coba lagi bila perlu.

## Lacak
track-title = Lacak laporan
track-lead = Masukkan nomor laporan dan kode tindak lanjut yang Anda terima saat melapor.
track-id = Nomor laporan
track-code = Kode tindak lanjut
track-send = Lacak
track-missing = Mohon isi nomor laporan dan kode tindak lanjut.
track-wrong = Nomor laporan atau kode tindak lanjut tidak cocok.

## Memilih layanan
pick-title = Apa yang ingin Anda laporkan?
pick-search = Cari jenis masalah
pick-search-send = Cari
pick-none = Tidak ada layanan yang cocok. Coba kata lain.

## Tanda terima
received-title = Laporan Anda sudah kami terima
received-id = Nomor laporan Anda:
received-code = Kode tindak lanjut Anda:
received-code-keep = Simpan kode ini. Hanya dengan kode ini Anda dapat menanggapi laporan tanpa akun.
received-next = Apa selanjutnya?
received-next-by = Petugas akan memeriksa laporan Anda paling lambat { $date }, lalu meneruskannya ke perangkat daerah yang berwenang.
received-next-soon = Petugas akan segera memeriksa laporan Anda.
received-email = Tanda terima juga kami kirim ke email Anda.
received-see = Lihat laporan
received-back = Kembali ke { $name }

## Formulir laporan
submit-title = Laporkan
submit-change-service = Pilih jenis masalah lain
submit-has-errors = Ada isian yang perlu diperbaiki. Lihat pesan di dekat isian tersebut.
submit-description = Uraian masalah
submit-required-mark = (wajib)
submit-description-hint = Ceritakan apa yang terjadi, di mana, sejak kapan, dan siapa yang terdampak.
submit-location = Lokasi
submit-location-hint = Tandai di peta, gunakan lokasi Anda, atau tuliskan alamatnya.
submit-map = Peta untuk menandai lokasi
submit-locate = Gunakan lokasi saya
submit-lat = Lintang
submit-lon = Bujur
submit-address = Alamat atau patokan
submit-photos = Foto (paling banyak { $max })
submit-photos-kept = { $count } foto sudah tersimpan. Hapus centang untuk membuangnya.
submit-photo-n = Foto { $n }
submit-privacy = Siapa yang boleh melihat laporan ini?
privacy-publik = Publik
privacy-publik-hint = laporan dan nama depan Anda tampil untuk umum.
privacy-anonim = Anonim
privacy-anonim-hint = laporan tampil untuk umum tanpa nama Anda.
privacy-rahasia = Rahasia
privacy-rahasia-hint = hanya petugas yang menangani yang dapat melihat laporan ini.
submit-contact = Data diri (tidak wajib)
submit-contact-hint = Isi email bila ingin menerima kabar perkembangan laporan.
submit-first-name = Nama depan
submit-last-name = Nama belakang
submit-email = Email
submit-phone = Nomor telepon
submit-send = Kirim laporan
submit-too-large = Berkas yang dikirim terlalu besar. Kecilkan foto atau kirim lebih sedikit foto.
submit-description-short = Uraian terlalu singkat. Tuliskan paling sedikit 10 huruf.
submit-description-invalid = Uraian belum bisa diterima
submit-location-needed = Mohon tandai lokasi di peta atau tuliskan alamatnya.
submit-location-invalid = Lintang dan bujur tidak valid.
submit-too-long = Isian ini terlalu panjang (paling banyak 200 huruf).
submit-privacy-needed = Mohon pilih siapa yang boleh melihat laporan ini.
submit-email-invalid = Alamat email tidak valid.
submit-too-many-photos = Paling banyak { $max } foto.
submit-required = Isian ini wajib diisi.
submit-answer-invalid = Jawaban ini belum sesuai

## Petugas
nav-staff = Petugas
sign-in-title = Masuk
sign-in-lead = Untuk petugas pengaduan, perangkat daerah, pimpinan, Ombudsman, dan warga yang memiliki akun. Warga tidak perlu akun untuk melapor.
sign-in-password = Kata sandi
sign-in-send = Masuk
sign-in-wrong = Email atau kata sandi salah.
sign-out = Keluar
staff-title = Antrean kerja
queue-title = Antrean laporan
queue-counts = Jumlah laporan terbuka per status
queue-status = Status
queue-all = Semua
queue-service = Layanan
queue-district = Kecamatan
queue-late-only = Hanya yang terlambat
queue-filter = Terapkan
queue-empty = Tidak ada laporan terbuka yang cocok.
queue-caption = Laporan terbuka, batas waktu terdekat lebih dulu
queue-report = Laporan
queue-next = Halaman berikutnya
work-back = Kembali ke antrean
work-public-page = Halaman publik
work-privacy = Kerahasiaan
work-pin = Titik peta
work-reporter = Pelapor
work-reporter-hidden = Tidak ditampilkan untuk peran Anda
work-actions = Tindakan
work-verify = Verifikasi dan teruskan
work-service-agency = Perangkat daerah layanan ini
work-note-optional = Catatan (tidak wajib)
work-dispose = Disposisi ke perangkat daerah
work-request-info = Minta informasi kepada pelapor
work-question = Pertanyaan untuk pelapor
work-provide-info = Catat jawaban pelapor
work-answer = Jawaban pelapor
work-plan = Kirim rencana tindak lanjut
work-plan-text = Rencana tindak lanjut
work-resolve = Tandai sudah ditangani
work-evidence = Bukti penanganan (apa yang dikerjakan)
work-hand-back = Kembalikan ke petugas pengaduan
work-reason = Alasan
work-forward = Teruskan: bukan kewenangan daerah
work-forward-to = Diteruskan kepada
work-archive = Arsipkan
archive-spam = Spam
archive-incomplete = Tidak lengkap
archive-out_of_scope = Di luar cakupan
archive-withdrawn = Dicabut pelapor
work-duplicate = Tandai sebagai duplikat
work-duplicate-of = Nomor laporan asli
work-comment = Tanggapan dan catatan
work-comment-text = Teks
work-reply = Kirim tanggapan publik
work-note = Simpan catatan internal
work-internal = internal
work-done = Tersimpan.
work-input-needed = Isian tindakan belum lengkap
work-conflict = Laporan ini sudah diubah orang lain lebih dulu. Berikut keadaannya sekarang; periksa lalu putuskan lagi.
submit-photo-unreadable = Salah satu foto tidak bisa dibaca sebagai gambar (JPEG, PNG atau WebP). Pilih foto lain.

## Apakah salah satu dari ini?
nearby-title = Apakah masalahnya sudah dilaporkan?
nearby-lead = Laporan { $service } berikut ada di dekat lokasi Anda dalam 30 hari terakhir dan masih ditangani. Jika salah satunya sama, ikuti saja: Anda akan menerima kabarnya lewat email.
nearby-distance = { $metres } m dari lokasi Anda
nearby-email = Email untuk menerima kabar
nearby-follow = Ikuti laporan ini
nearby-new-lead = Bukan masalah yang sama? Laporan Anda dikirim apa adanya, dengan foto yang sudah dipilih.
nearby-new = Bukan, kirim laporan saya
follow-title = Anda mengikuti laporan ini
follow-done = Kabar perkembangan laporan { $id } akan dikirim ke { $email }.
follow-again = Alamat ini sudah mengikuti laporan { $id }.
follow-count = { $count } warga lain melaporkan masalah yang sama dan mengikuti laporan ini.
follow-closed = Laporan ini sudah selesai ditangani dan tidak bisa diikuti lagi. Jika masalahnya muncul lagi, kirim laporan baru.

## Ringkasan dan kata sandi
overview-title = Ringkasan per perangkat daerah
overview-caption = Laporan terbuka per perangkat daerah, yang paling banyak terlambat lebih dulu
overview-open = Terbuka
overview-overdue = Terlambat
overview-escalated = Dieskalasi
nav-overview = Ringkasan per perangkat daerah
nav-password = Ganti kata sandi
password-title = Ganti kata sandi
password-current = Kata sandi sekarang
password-new = Kata sandi baru (paling sedikit 10 karakter)
password-repeat = Ulangi kata sandi baru
password-send = Simpan kata sandi
password-done = Kata sandi sudah diganti. Sesi lain akun ini sudah diakhiri.
password-mismatch = Kedua isian kata sandi baru tidak sama.
password-short = Kata sandi baru paling sedikit { $min } karakter.
password-wrong = Kata sandi sekarang salah.
work-raise-privacy = Naikkan kerahasiaan
work-raise-to = Menjadi
work-originals = Laporan serupa di dekatnya (layanan sama, 500 m, 90 hari)
work-duplicate-this = Duplikat dari { $id }
nearby-distance-plain = { $metres } m
work-after-photo = Foto sesudah ditangani (tidak wajib)
work-evidence-needed = Tuliskan bukti penanganan: apa yang sudah dikerjakan.

# Tautan bertanda tangan dan akun warga
link-failed-title = Tautan tidak dapat dipakai
link-expired = Tautan ini sudah kedaluwarsa. Pantau laporan dengan nomor laporan dan kode pantau, atau minta tautan baru.
link-invalid = Tautan ini tidak sah atau sudah dipakai. Periksa bahwa tautan tersalin utuh dari email.
nav-mine = Laporan saya
account-sign-up-title = Daftar akun
account-sign-up-lead = Akun tidak wajib. Dengan akun, semua laporan Anda tersimpan di "Laporan saya" dan Anda dapat menanggapinya tanpa kode pantau.
account-name = Nama (boleh dikosongkan)
account-name-long = Nama paling banyak 100 karakter.
account-password-hint = Paling sedikit { $min } karakter.
account-sign-up-send = Daftar
account-have-one = Sudah punya akun?
account-sent-title = Periksa email Anda
account-sent = Kami mengirim tautan konfirmasi ke { $email }. Buka tautan itu untuk mengaktifkan akun Anda; tautan berlaku dua hari.
account-confirmed-title = Alamat email terkonfirmasi
account-confirmed = Akun Anda aktif. Silakan masuk.
account-confirm-again = Masuk untuk menerima tautan baru
forgot-title = Lupa kata sandi
forgot-lead = Masukkan alamat email akun Anda. Kami mengirim tautan untuk membuat kata sandi baru.
forgot-send = Kirim tautan
forgot-sent = Jika { $email } memiliki akun, tautan untuk membuat kata sandi baru sudah dikirim ke sana. Tautan berlaku satu jam.
forgot-again = Minta tautan baru
forgot-done = Kata sandi baru tersimpan. Semua sesi lama akun ini telah berakhir; silakan masuk kembali.
sign-in-unconfirmed = Alamat email akun ini belum dikonfirmasi. Buka tautan konfirmasi yang kami kirim ke alamat itu (kami mengirimnya ulang, paling banyak tiga kali per jam), lalu masuk kembali.
sign-in-no-account = Belum punya akun?
sign-in-sign-up = Daftar
sign-in-forgot = Lupa kata sandi?
mine-title = Laporan saya
mine-none = Belum ada laporan yang dibuat dengan akun ini.
mine-pages = Halaman laporan saya
mine-prev = Halaman sebelumnya
mine-report-new = Buat laporan baru
received-mine = Laporan ini juga tersimpan di akun Anda:
work-pin-set = Pasang titik peta
work-pin-move = Pindahkan titik peta
work-pin-none = Laporan ini masuk dengan alamat saja. Pasang titiknya di peta (klik peta) atau isi koordinatnya.
work-pin-save = Simpan titik
work-pin-invalid = Koordinat tidak sah: lintang antara -90 dan 90, bujur antara -180 dan 180, dengan titik sebagai pemisah desimal.
account-repeat = Ulangi kata sandi
