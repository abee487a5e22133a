# make bench: the chart. gnuplot -e "dat='bench.dat'; out='bench.png'; modes='passthrough strict ...'" bench.gp
# dat: one block per workload (dma4k dma64k rand seq); rows "platform m1 lo1 hi1 m2 lo2 hi2 ...",
# each mode's median, min and max over the timed runs, in the workload's own unit (no ratio to
# another mode: bench.md compares strict against lazy).
set terminal pngcairo size 1400,950 font ',10' noenhanced
set output out
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set yrange [0:*]
set grid ytics
set key below horizontal font ',9'
set xtics nomirror
names = 'dma_map_benchmark 4KiB|dma_map_benchmark 64KiB|4KiB O_DIRECT randread (virtio-blk)|1MiB O_DIRECT seqread (virtio-blk)'
units = 'map+unmap us (lower is better)|map+unmap us (lower is better)|IOPS|MB/s'
nm = words(modes)
set multiplot layout 2,2 title 'make bench: DMA domain modes under QEMU 7.2 TCG (median, min-max; compare modes of one platform)'
do for [b=0:3] {
	set title sprintf('%s', system(sprintf("echo '%s' | cut -d'|' -f%d", names, b + 1)))
	set ylabel system(sprintf("echo '%s' | cut -d'|' -f%d", units, b + 1))
	plot for [i=1:nm] dat index b using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) title word(modes, i)
}
unset multiplot
