# sets.gp - syscall set sizes per program and phase (docs/eval-sets.svg).
# Called by eval/run-eval:
#   gnuplot -e "datafile='build/eval/sets.dat'; outfile='docs/eval-sets.svg'" eval/sets.gp
# datafile rows: "label" init serving union   (-1 = not applicable)
if (!exists("datafile")) datafile = 'build/eval/sets.dat'
if (!exists("outfile")) outfile = 'docs/eval-sets.svg'

set terminal svg size 1000,560 dynamic enhanced font "sans,12" background rgb "white"
set output outfile
set title "Allowed syscalls per phase: dynamic profiles (this work) vs published static analyses"
set ylabel "allowed syscalls (x86\\_64)"
set bmargin 5
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 0.85 border rgb "black"
set boxwidth 0.9
set yrange [0:*]
set grid ytics lc rgb "#dddddd"
set key top left
set xtics nomirror font ",10"
set offsets 0, 0, 12, 0
na(x) = x < 0 ? NaN : x
plot datafile using (na($2)):xtic(1) title "init (F1 / init phase)" lc rgb "#4477aa", \
     ''       using (na($3)) title "serving (F1+F2)" lc rgb "#ee6677", \
     ''       using (na($4)) title "union / whole program" lc rgb "#aaaaaa", \
     ''       using ($0 - 0.3):($2 > 0 ? $2 : NaN):(sprintf("%d", $2)) with labels offset 0,0.6 font ",9" notitle, \
     ''       using ($0):($3 > 0 ? $3 : NaN):(sprintf("%d", $3)) with labels offset 0,0.6 font ",9" notitle, \
     ''       using ($0 + 0.3):($4 > 0 ? $4 : NaN):(sprintf("%d", $4)) with labels offset 0,0.6 font ",9" notitle
